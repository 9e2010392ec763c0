import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { guarded, textResult } from '../shared/results.js'
import { serverInfo } from '../shared/server-info.js'
import type { ChartOption, ChartPayload } from './define.js'
import { chartKinds } from './kinds/index.js'

export interface ChartServerOptions {
  /**
   * Largest number of array items plus object members one call may carry. Charts are built in
   * memory and rendered in a small card, so a runaway payload is refused before it is parsed.
   */
  maxInputElements?: number
}

export const defaultMaxInputElements = 100_000

export function chartResult(chart: ChartOption) {
  const payload: ChartPayload = { type: 'chart', chart }
  return textResult(JSON.stringify(payload))
}

export function createChartServer(options: ChartServerOptions = {}): McpServer {
  const server = new McpServer(serverInfo('agenta-chart', 'Agenta charts'), {
    maxToolInputElements: options.maxInputElements ?? defaultMaxInputElements,
    instructions:
      'Each tool turns data into an Apache ECharts option, returned as JSON {"type":"chart","chart":{...}} that the studio shows as a chart card. Works offline.'
  })
  for (const kind of chartKinds) {
    server.registerTool(
      kind.name,
      {
        title: kind.title,
        description: kind.description,
        inputSchema: kind.input,
        annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false }
      },
      guarded((input) => chartResult(kind.build(input)))
    )
  }
  return server
}
