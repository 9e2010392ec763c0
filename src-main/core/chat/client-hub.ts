import type { SystemData } from '../../contract/chat'
import type { ToolProvider, ToolSpec, ToolContext } from './tool-registry'
import type { WaitOutcome, WaitRegistry } from './waits'
import type { ClientDirectory } from '../coordination/types'
import { localClients } from '../coordination/memory'

type Send = (event: string, payload: unknown) => void

interface Client {
  send: Send
  functions: { name: string; description: string; parameters?: Record<string, unknown> }[]
  pageModule?: Extract<SystemData, { type: 'page_module' }>
  waits: Set<string>
  /** Connected to another process of a team server: a stand-in whose events go there. */
  remote?: boolean
}

const PAGE_ACTIONS = ['router', 'query', 'add', 'modify', 'delete'] as const

/**
 * Chat clients connected over the control channel (Socket.IO in the server host). What they
 * register with `systemdata` becomes tools of the turns they start; the agent calls them by
 * sending `message` with a wait id and resumes on `agent_response`.
 */
export class ClientHub {
  private readonly clients = new Map<string, Client>()
  constructor(
    private readonly waits: WaitRegistry,
    private readonly directory: ClientDirectory = localClients
  ) {
    directory.listen({
      send: (id, event, payload) => {
        const c = this.clients.get(id)
        if (c && !c.remote) c.send(event, payload)
      },
      gone: (id) => {
        if (this.clients.get(id)?.remote) this.disconnect(id)
      }
    })
  }

  connect(id: string, send: Send): void {
    this.clients.set(id, { send, functions: [], waits: new Set() })
    this.directory.announce(id, { functions: [] })
  }

  /**
   * Whether a client can be reached: connected here, or (team server) to another process, in which
   * case a stand-in with what it offers now is kept here for the turn.
   */
  async reachable(id: string): Promise<boolean> {
    const c = this.clients.get(id)
    if (c && !c.remote) return true
    const info = await this.directory.lookup(id)
    if (!info) {
      if (c) this.disconnect(id)
      return false
    }
    const pageModule = info.pageModule as Client['pageModule']
    if (c) Object.assign(c, { functions: info.functions, pageModule })
    else this.clients.set(id, { send: (e, p) => this.directory.send(id, e, p), functions: info.functions, pageModule, waits: new Set(), remote: true })
    return true
  }

  disconnect(id: string): void {
    const c = this.clients.get(id)
    if (!c) return
    this.clients.delete(id)
    if (!c.remote) this.directory.withdraw(id)
    // Nobody is left to answer: end the turn's waits now instead of after the timeout.
    for (const w of c.waits) this.waits.cancel(w)
  }

  has(id: string): boolean {
    return this.clients.has(id)
  }

  setSystemData(id: string, data: SystemData): void {
    const c = this.clients.get(id)
    if (!c) return
    if ('action' in data) c.functions = data.payload
    else c.pageModule = data
    if (!c.remote) this.directory.announce(id, { functions: c.functions, pageModule: c.pageModule })
  }

  send(id: string, event: string, payload: unknown): boolean {
    const c = this.clients.get(id)
    if (!c) return false
    c.send(event, payload)
    return true
  }

  /** A wait that ends at once, as cancelled, if this client disconnects (nobody is left to answer it). */
  async waitOn(clientId: string | undefined, opts: Parameters<WaitRegistry['wait']>[0]): Promise<WaitOutcome> {
    const client = clientId ? this.clients.get(clientId) : undefined
    let waitId = ''
    const outcome = await this.waits.wait({
      ...opts,
      start: (id) => {
        waitId = id
        client?.waits.add(id)
        opts.start(id)
      }
    })
    client?.waits.delete(waitId)
    return outcome
  }

  /** Sends `message` to the client and waits for its `agent_response`. */
  private async request(ctx: ToolContext, message: Record<string, unknown>) {
    const client = ctx.clientId ? this.clients.get(ctx.clientId) : undefined
    if (!client) return { content: 'The client that offered this tool is no longer connected.', isError: true }
    const outcome = await this.waitOn(ctx.clientId, {
      signal: ctx.signal,
      start: (id) => {
        ctx.emit({ type: 'wait', waitId: id, kind: 'client' })
        client.send('message', { ...message, wait_id: id })
      }
    })
    if (outcome.status === 'answered') return { content: JSON.stringify(outcome.data ?? null) }
    if (outcome.status === 'timeout') return { content: 'The client did not answer in time.', isError: true }
    return { content: this.clients.has(ctx.clientId!) ? 'The request was cancelled.' : 'The client disconnected before answering.', isError: true }
  }

  toolProvider(): ToolProvider {
    return {
      name: 'client functions',
      toolsFor: async (ctx) => {
        const client = ctx.clientId ? this.clients.get(ctx.clientId) : undefined
        if (!client) return []
        const tools: ToolSpec[] = client.functions.map((f) => ({
          name: f.name,
          description: f.description || `Call ${f.name} on the user's device`,
          parameters: f.parameters ?? { type: 'object', properties: {}, additionalProperties: true },
          timeoutMs: Number.POSITIVE_INFINITY,
          execute: (args, tctx) => this.request(tctx, { action: 'call', payload: { type: 'function', name: f.name, arguments: args } })
        }))
        const pm = client.pageModule
        if (pm?.pages.length) {
          const list = pm.pages.map((p) => `- ${p.code}: ${p.name}${p.description ? ` — ${p.description}` : ''}`).join('\n')
          tools.push({
            name: 'operate_page',
            description: `Drive the user's application${pm.name ? ` "${pm.name}"` : ''}: open a page (router), or query, add, modify or delete on it. Pages:\n${list}`,
            parameters: {
              type: 'object',
              properties: {
                action: { type: 'string', enum: PAGE_ACTIONS },
                code: { type: 'string', enum: pm.pages.map((p) => p.code) },
                form: { type: 'object', description: 'Field values for query/add/modify', additionalProperties: true }
              },
              required: ['action', 'code']
            },
            timeoutMs: Number.POSITIVE_INFINITY,
            execute: (args, tctx) => {
              const page = pm.pages.find((p) => p.code === args.code)
              if (!page) return Promise.resolve({ content: `No page with code ${String(args.code)}`, isError: true })
              const action = PAGE_ACTIONS.includes(args.action as never) ? args.action : 'router'
              return this.request(tctx, {
                action,
                payload: { type: 'page_module', code: page.code, name: page.name, ...(args.form ? { form: args.form } : {}) }
              })
            }
          })
        }
        return tools
      }
    }
  }
}
