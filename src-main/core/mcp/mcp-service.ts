// Being written (issue 4): the MCP connection manager. This placeholder keeps the build whole.
import type { Kysely } from 'kysely'
import type { DB } from '../../store/schema'
import type { StudioEvents } from '../events'
import type { ToolsService } from '../tools/tools-service'
import type { ToolConfig, ToolStatus, AgentToolBinding, McpToolInfo } from '../../contract/entities'
import type { ToolProvider } from '../chat/tool-registry'
import { AppError } from '../../contract/errors'

export type McpService = ReturnType<typeof mcpService>
type TestResult = { ok: boolean; latencyMs: number; tools: McpToolInfo[]; error?: string }

export function mcpService(_db: Kysely<DB>, _tools: ToolsService, _events: StudioEvents) {
  const notYet = () => Promise.reject(new AppError('internal', 'MCP support is not built yet'))
  return {
    status: async (): Promise<ToolStatus[]> => [],
    test: (_id: string): Promise<TestResult> => notYet(),
    testConfig: (_config: ToolConfig): Promise<TestResult> => notYet(),
    agentTools: async (_agentId: string): Promise<AgentToolBinding[]> => [],
    setAgentTools: (_agentId: string, _bindings: AgentToolBinding[]): Promise<AgentToolBinding[]> => notYet(),
    toolProvider: (): ToolProvider => ({ name: 'mcp', toolsFor: async () => [] }),
    close: async () => {}
  }
}
