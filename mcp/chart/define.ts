import type { z } from 'zod'

/** An Apache ECharts option object, kept as plain JSON: the studio hands it to `chart.setOption`. */
export type ChartOption = Record<string, unknown>

export interface ChartKind<S extends z.ZodRawShape = z.ZodRawShape> {
  /** The MCP tool name, e.g. generate_line_chart. */
  name: string
  title: string
  /** Read by the model to pick a chart: say what it is good for and what the data looks like. */
  description: string
  input: S
  /** Throws ToolError for data the schema cannot rule out (cycles, mismatched lengths, duplicates). */
  build(input: z.infer<z.ZodObject<S>>): ChartOption
}

// Method syntax in ChartKind keeps `build` bivariant, so kinds with different inputs share one list.
export function defineChart<S extends z.ZodRawShape>(kind: ChartKind<S>): ChartKind {
  return kind as unknown as ChartKind
}

/** What the studio's chart card expects in the tool result's text. */
export interface ChartPayload {
  type: 'chart'
  chart: ChartOption
}
