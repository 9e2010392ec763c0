/** Linear-interpolation quantile (the "R-7" method spreadsheets use), so numbers match Excel's QUARTILE. */
export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) throw new RangeError('quantile of no values')
  const position = (sorted.length - 1) * q
  const lower = Math.floor(position)
  const upper = Math.ceil(position)
  return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower)
}

export interface BoxSummary {
  /** ECharts boxplot order: [lower whisker, Q1, median, Q3, upper whisker]. */
  box: [number, number, number, number, number]
  outliers: number[]
}

/** Tukey's box: whiskers reach the furthest points within 1.5 IQR; the rest are outliers. */
export function boxSummary(values: number[]): BoxSummary {
  const sorted = [...values].sort((a, b) => a - b)
  const q1 = quantile(sorted, 0.25)
  const median = quantile(sorted, 0.5)
  const q3 = quantile(sorted, 0.75)
  const fence = 1.5 * (q3 - q1)
  const inside = sorted.filter((v) => v >= q1 - fence && v <= q3 + fence)
  const outliers = sorted.filter((v) => v < q1 - fence || v > q3 + fence)
  return { box: [inside[0], q1, median, q3, inside[inside.length - 1]], outliers }
}

export interface Bin {
  from: number
  to: number
  count: number
}

/** Equal-width bins; Sturges' rule when the caller gives no count. The last bin includes its upper edge. */
export function histogramBins(values: number[], binCount?: number): Bin[] {
  const min = Math.min(...values)
  const max = Math.max(...values)
  const count = binCount ?? Math.ceil(Math.log2(values.length)) + 1
  if (min === max) return [{ from: min, to: max, count: values.length }]
  const width = (max - min) / count
  const bins: Bin[] = Array.from({ length: count }, (_, i) => ({
    from: min + i * width,
    to: i === count - 1 ? max : min + (i + 1) * width,
    count: 0
  }))
  for (const value of values) bins[Math.min(count - 1, Math.floor((value - min) / width))].count++
  return bins
}

/** Short bin labels: 4 significant digits is plenty on an axis and avoids 0.30000000000000004. */
export function formatNumber(value: number): string {
  return String(Number(value.toPrecision(4)))
}
