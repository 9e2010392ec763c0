import { ToolError } from '../shared/results.js'

export interface KeyedPoint {
  key: string | number
  value: number
  group?: string
}

export interface Pivoted {
  /** Distinct keys in first-seen order: the model's order is the intended axis order. */
  keys: string[]
  series: { name: string | undefined; values: (number | null)[] }[]
}

/** Long-form points ({key, value, group}) to one aligned value array per group, gaps as null. */
export function pivot(points: KeyedPoint[], keyName: string): Pivoted {
  const keys: string[] = []
  const keyIndex = new Map<string, number>()
  const groups = new Map<string | undefined, Map<string, number>>()
  for (const point of points) {
    const key = String(point.key)
    if (!keyIndex.has(key)) {
      keyIndex.set(key, keys.length)
      keys.push(key)
    }
    let values = groups.get(point.group)
    if (!values) groups.set(point.group, (values = new Map()))
    if (values.has(key)) {
      const where = point.group === undefined ? '' : ` in group "${point.group}"`
      throw new ToolError(`Duplicate ${keyName} "${key}"${where}: give one value per ${keyName} and group`)
    }
    values.set(key, point.value)
  }
  const series = [...groups].map(([name, values]) => ({ name, values: keys.map((key) => values.get(key) ?? null) }))
  return { keys, series }
}

export function distinct<T>(values: T[]): T[] {
  return [...new Set(values)]
}
