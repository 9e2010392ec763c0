import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { z } from 'zod'
import { isEndpointName } from '../../contract/api'
import type { Agent } from '../../contract/entities'
import { dispatch } from '../../core/dispatch'
import type { Runtime } from '../../core/runtime'
import type { RequestContext } from '../../core/context'
import { roleAtLeast } from '../../contract/access'
import { APP_VERSION } from '../../core/version'

/** Sessions that MCP clients start belong to this user, so they are easy to find in the studio. */
export const MCP_USER = 'mcp'

const MAX_NAME = 64

/**
 * `<prefix>_<name>` in the characters MCP clients and model providers accept. A name with no
 * Latin letter or digit (e.g. "导游") falls back to the id, which never changes; clashes get a
 * numeric suffix in list order.
 */
function toolNameFor(prefix: string, fallback: string, item: { id: string; name: string }, taken: Set<string>): string {
  const cleaned = item.name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '_')
    .replace(/^_+|_+$/g, '')
  const base = `${prefix}_${/[a-z0-9]/.test(cleaned) ? cleaned : `${fallback}_${item.id.replace(/[^a-zA-Z0-9]/g, '').slice(0, 8)}`}`.slice(0, MAX_NAME)
  let name = base
  for (let i = 2; taken.has(name); i++) name = `${base.slice(0, MAX_NAME - String(i).length - 1)}_${i}`
  taken.add(name)
  return name
}

export const askToolName = (agent: Pick<Agent, 'id' | 'name'>, taken: Set<string>) => toolNameFor('ask', 'agent', agent, taken)
export const searchToolName = (kb: { id: string; name: string }, taken: Set<string>) => toolNameFor('search', 'kb', kb, taken)

const failed = (text: string): CallToolResult => ({ content: [{ type: 'text', text }], isError: true })

/** One full agent turn for an MCP caller: a new session unless it continues one. */
async function ask(
  runtime: Runtime,
  ctx: RequestContext,
  agent: Agent,
  input: { message: string; session_id?: string },
  signal: AbortSignal
): Promise<CallToolResult> {
  try {
    // A person's conversations are theirs: their id, and only their own sessions to continue.
    const p = ctx.principal
    const userId = p.kind === 'user' ? p.userId : MCP_USER
    if (input.session_id && p.kind === 'user' && (await runtime.owners.session(input.session_id)) !== undefined) {
      if ((await runtime.owners.session(input.session_id)) !== p.userId)
        return failed('That session belongs to someone else: leave session_id out to start a new one')
    }
    const sessionId = input.session_id ?? (await runtime.chat.sessions.create({ agentId: agent.id, userId, title: '', origin: 'api' })).id
    // Not interactive: nobody on an MCP connection can answer ask_user or a confirmation.
    const handle = await runtime.chat.startTurn({ sessionId, agentId: agent.id, message: input.message, userId, interactive: false, signal })
    for await (const _event of handle.events) {
      // Drained so the queue does not hold the whole turn; the summary carries the answer.
    }
    const summary = await handle.done
    if (summary.status !== 'ok') return failed(summary.error?.message ?? `The agent's turn ended as ${summary.status}`)
    return { content: [{ type: 'text', text: summary.text }], structuredContent: { answer: summary.text, session_id: sessionId } }
  } catch (err) {
    return failed((err as Error).message)
  }
}

/**
 * The studio as an MCP server: every agent is a tool, and every knowledge base a search tool. Built per request from the current agent
 * list (the endpoint is stateless), so new and renamed agents show up without a restart.
 */
export async function createAgentsMcpServer(runtime: Runtime, ctx: RequestContext): Promise<McpServer> {
  const server = new McpServer(
    { name: 'agenta-studio', version: APP_VERSION },
    {
      instructions:
        'Each ask_* tool runs one of the agents built in Agenta Studio (with its own model, tools and knowledge) and returns its answer. Pass session_id from an earlier answer to continue that conversation.'
    }
  )
  const taken = new Set<string>()
  // A person sees the agents shared with them; search tools are a builder's, as knowledgeBases.search is.
  for (const agent of await runtime.visibleAgents(await runtime.agents.list(), ctx.principal, 'use')) {
    server.registerTool(
      askToolName(agent, taken),
      {
        title: `Ask ${agent.name}`,
        description: `Ask the agent "${agent.name}"${agent.description ? ` (${agent.description})` : ''} and get its answer. It may use its own tools and knowledge bases, so an answer can take a while.`,
        inputSchema: {
          message: z.string().min(1).max(100_000).describe('What to ask or tell the agent'),
          session_id: z.string().max(64).optional().describe('Continue the conversation of an earlier answer (its session_id); omit to start a new one')
        },
        outputSchema: { answer: z.string(), session_id: z.string() },
        annotations: { readOnlyHint: false, openWorldHint: true }
      },
      (input, extra) => ask(runtime, ctx, agent, input, extra.signal)
    )
  }
  const p = ctx.principal
  if (p.kind === 'owner' || (p.kind === 'user' && roleAtLeast(p.role, 'builder') && p.scopes.includes('build')))
    await registerKnowledgeSearch(server, runtime, ctx, taken)
  // registerTool advertises `tools.listChanged`, but a stateless server has no stream to send that
  // notification on: the list is simply fresh on every request. Say so instead of promising it.
  if (taken.size) server.server.registerCapabilities({ tools: { listChanged: false } })
  return server
}

const KB_SEARCH = 'knowledgeBases.search'

interface Hit {
  docName: string
  text: string
  score: number
  page?: number
}

/**
 * `search_<kb>` for every knowledge base, through the contract's `knowledgeBases.search` endpoint
 * (validation and retrieval defaults included). While that endpoint does not exist yet, the
 * server simply offers no search tools.
 */
async function registerKnowledgeSearch(server: McpServer, runtime: Runtime, ctx: RequestContext, taken: Set<string>) {
  if (!isEndpointName(KB_SEARCH)) return
  for (const kb of await runtime.knowledgeBases.list()) {
    server.registerTool(
      searchToolName(kb, taken),
      {
        title: `Search ${kb.name}`,
        description: `Search the knowledge base "${kb.name}"${kb.description ? ` (${kb.description})` : ''}: the most relevant passages, each with its document name.`,
        inputSchema: {
          query: z.string().min(1).max(2000).describe('What to look for, in the documents’ language'),
          top_k: z.number().int().min(1).max(20).optional().describe('How many passages (default 5)')
        },
        annotations: { readOnlyHint: true, openWorldHint: false }
      },
      async ({ query, top_k }) => {
        try {
          const { hits } = (await dispatch(runtime, KB_SEARCH, { id: kb.id, query, ...(top_k && { topK: top_k }) }, ctx)) as { hits: Hit[] }
          const text = hits.map((h, i) => `[${i + 1}] ${h.docName}${h.page ? `, page ${h.page}` : ''} (score ${h.score.toFixed(3)})\n${h.text}`).join('\n\n')
          return { content: [{ type: 'text', text: text || 'No passage matched.' }] }
        } catch (err) {
          return failed((err as Error).message)
        }
      }
    )
  }
}
