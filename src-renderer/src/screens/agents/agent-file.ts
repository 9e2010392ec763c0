import type { Agent } from '@contract/entities'
import type { Api } from '../../api/client'
import { exportAgent, uniqueName, type AgentFile } from './agent-form'

/** An agent's file with its tool and knowledge-base bindings, by id and by name. */
export async function exportAgentFile(api: Api, agent: Agent): Promise<string> {
  const [bindings, tools, kbBindings, kbs] = await Promise.all([
    api.call('agents.tools', { id: agent.id }),
    api.call('tools.list', {}),
    api.call('agents.knowledgeBases', { id: agent.id }),
    api.call('knowledgeBases.list', {})
  ])
  const toolName = new Map(tools.map((t) => [t.id, t.name]))
  const kbName = new Map(kbs.map((k) => [k.id, k.name]))
  return exportAgent(agent, {
    tools: bindings.map((b) => ({ ...b, name: toolName.get(b.toolId) ?? '' })),
    knowledgeBases: kbBindings.map((b) => ({ kbId: b.kbId, name: kbName.get(b.kbId) ?? '', settings: b.settings }))
  })
}

export interface ImportResult {
  agent: Agent
  /** Names of the model, tools and knowledge bases of the file that this studio does not have. */
  unbound: string[]
}

/**
 * Creates the agent of a file under a name not yet taken, and binds the tools and knowledge bases
 * this studio has (same id, else same name). What it cannot bind is reported, not dropped silently.
 */
export async function importAgentFile(api: Api, file: AgentFile, takenNames: string[]): Promise<ImportResult> {
  const [providers, models, tools, kbs] = await Promise.all([
    api.call('providers.list', {}),
    api.call('models.list', { type: 'chat' }),
    api.call('tools.list', {}),
    api.call('knowledgeBases.list', {})
  ])
  const unbound: string[] = []
  let agentInput = { ...file.agent, name: uniqueName(file.agent.name, takenNames) }
  // A model of a provider this studio does not have: left out, so the agent gets the only chat
  // model if there is exactly one (agents.create), instead of the import failing.
  const { providerId, model } = agentInput
  if (providerId && !(providers.some((p) => p.id === providerId) && models.some((m) => m.providerId === providerId && m.modelId === model))) {
    if (model) unbound.push(model)
    const { providerId: _p, model: _m, ...rest } = agentInput
    agentInput = rest
  }
  const agent = await api.call('agents.create', agentInput)

  const find = <T extends { id: string; name: string }>(items: T[], id: string, name: string) =>
    items.find((i) => i.id === id) ?? items.find((i) => i.name === name)
  const toolBindings = file.tools.flatMap((b) => {
    const tool = find(tools, b.toolId, b.name)
    if (!tool) unbound.push(b.name || b.toolId)
    return tool ? [{ toolId: tool.id, enabledTools: b.enabledTools, requireConfirmation: b.requireConfirmation }] : []
  })
  const kbBindings = file.knowledgeBases.flatMap((b) => {
    const kb = find(kbs, b.kbId, b.name)
    if (!kb) unbound.push(b.name || b.kbId)
    return kb ? [{ kbId: kb.id, ...(b.settings && { settings: b.settings }) }] : []
  })
  if (toolBindings.length) await api.call('agents.setTools', { id: agent.id, bindings: toolBindings })
  if (kbBindings.length) await api.call('agents.setKnowledgeBases', { id: agent.id, bindings: kbBindings as never })
  return { agent, unbound }
}
