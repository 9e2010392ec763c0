import type { Kysely } from 'kysely'
import type { z } from 'zod'
import type { Agent } from '../../contract/entities'
import { AppError } from '../../contract/errors'
import type { Memory, MemoryCreate, MemoryFailure, MemoryUpdate } from '../../contract/memory'
import { chatRepo } from '../../store/repos/chat'
import { memoriesRepo, toMemory, type MemoryRow, type MemoryScope } from '../../store/repos/memories'
import type { DB } from '../../store/schema'
import type { AgentsService } from '../agents/agents-service'
import type { TurnMemory } from '../chat/turn'
import type { StudioEvents } from '../events'
import type { KeyedLock } from '../coordination'
import type { ProvidersService } from '../providers/providers-service'
import { newId } from '../util/ids'
import { extractionMessages, parseOperations, type Operation } from './extract'
import { normalizeFact, rankByOverlap } from './keywords'
import { log } from '../../base/log'

export interface MemoryOptions {
  /** Memories put into one prompt, and their total length. */
  recallLimit: number
  recallChars: number
  /** Stored memories the extractor sees (the most relevant to the exchange, then the newest). */
  extractContext: number
  /** Memories kept per user and scope; the least recently touched go first. */
  maxPerScope: number
  extractionTimeoutMs: number
}

export const defaultMemoryOptions: MemoryOptions = { recallLimit: 8, recallChars: 2000, extractContext: 50, maxPerScope: 500, extractionTimeoutMs: 60_000 }

export const MEMORY_HEADING = '## What you remember about this user'

export type MemoryService = ReturnType<typeof memoryService>

const scopeOf = (agent: Agent, userId: string): MemoryScope => ({ userId, agentId: agent.id, shared: agent.memory?.shared ?? false })

/** The most relevant rows first, then the newest, up to `limit`. Rows come newest first. */
function pick(query: string, rows: MemoryRow[], limit: number): MemoryRow[] {
  const relevant = rankByOverlap(query, rows, (r) => r.text)
    .filter((r) => r.score > 0)
    .map((r) => r.item)
  const chosen = new Set(relevant.slice(0, limit))
  for (const r of rows) {
    if (chosen.size >= limit) break
    chosen.add(r)
  }
  return [...chosen]
}

/**
 * Mem0-like memory: facts about a user, learned after answered turns by the agent's own model
 * and recalled into the system prompt before the next. See README.md beside this file.
 */
export function memoryService(
  db: Kysely<DB>,
  agents: AgentsService,
  providers: ProvidersService,
  events: StudioEvents,
  opts: Partial<MemoryOptions> = {},
  locks?: KeyedLock
) {
  const options = { ...defaultMemoryOptions, ...opts }
  const repo = memoriesRepo(db)
  const steps = chatRepo(db).steps
  // One extraction at a time per user and scope: two turns ending together must not both add
  // the same fact. The chain orders this process's extractions; the shared lock (`locks`, Redis on
  // a team server) orders them across processes, whose turns of one person end on any of them.
  // It is per person (not per scope) so that "forget me" on any process can wait for them all.
  const personLock = (userId: string) => `memory:${userId}`
  const chains = new Map<string, Promise<void>>()
  const pending = new Set<Promise<void>>()
  const closing = new AbortController()
  /** Per agent, its last failed extraction, until one works (kept in memory: the log has the history). */
  const failed = new Map<string, MemoryFailure>()

  async function row(id: string): Promise<MemoryRow> {
    const r = await repo.find(id)
    if (!r) throw new AppError('not_found', `No memory with id ${id}`)
    return r
  }
  const agentIdOrNull = async (agentId: string | null | undefined) => (agentId ? (await agents.get(agentId)).id : agentId)
  const changed = (userId: string, agentId: string | null) => events.emit('memories.changed', { userId, agentId })

  async function recall(q: { agent: Agent; userId: string; message: string }): Promise<string> {
    if (!q.agent.memory?.enabled) return ''
    try {
      const rows = await repo.ofScope(scopeOf(q.agent, q.userId))
      if (!rows.length) return ''
      const lines: string[] = []
      let size = 0
      for (const r of pick(q.message, rows, options.recallLimit)) {
        const line = `- ${r.text.replace(/\s+/g, ' ')}`
        if (size + line.length > options.recallChars) break
        lines.push(line)
        size += line.length
      }
      return `${MEMORY_HEADING}\nFrom earlier conversations with this user (possibly out of date: what they say now wins). Use it when it helps; do not recite it.\n${lines.join('\n')}`
    } catch (err) {
      log.warn({ err, agentId: q.agent.id }, 'memory recall failed')
      return ''
    }
  }

  async function apply(agent: Agent, scope: MemoryScope, rows: MemoryRow[], refs: Map<string, MemoryRow>, ops: Operation[]): Promise<boolean> {
    const known = new Map(rows.map((r) => [normalizeFact(r.text), r.id]))
    const gone = new Set<string>()
    const now = Date.now()
    let touched = false
    for (const op of ops) {
      if (op.op === 'add') {
        const key = normalizeFact(op.text)
        if (known.has(key)) continue
        const id = newId()
        await repo.insert({ id, user_id: scope.userId, agent_id: scope.shared ? null : agent.id, text: op.text, created_at: now, updated_at: now })
        known.set(key, id)
        touched = true
        continue
      }
      const target = refs.get(op.id)
      if (!target || gone.has(target.id)) continue
      const key = op.op === 'update' ? normalizeFact(op.text) : ''
      const duplicateOf = op.op === 'update' ? known.get(key) : undefined
      if (op.op === 'delete' || (duplicateOf && duplicateOf !== target.id)) {
        // An update that turns a memory into one already stored leaves just the stored one.
        await repo.delete(target.id)
        gone.add(target.id)
        known.delete(normalizeFact(target.text))
      } else {
        await repo.update(target.id, { text: op.text, updated_at: now })
        known.delete(normalizeFact(target.text))
        known.set(key, target.id)
      }
      touched = true
    }
    if (touched) {
      const all = await repo.ofScope(scope, options.maxPerScope + 1000)
      await repo.deleteMany(all.slice(options.maxPerScope).map((r) => r.id))
    }
    return touched
  }

  async function extract(t: Parameters<TurnMemory['remember']>[0]): Promise<void> {
    const { agent } = t
    if (!agent.providerId || !agent.model) return
    const scope = scopeOf(agent, t.userId)
    const rows = await repo.ofScope(scope)
    const context = pick(`${t.message}\n${t.answer}`, rows, options.extractContext)
    const refs = new Map(context.map((r, i) => [`m${i + 1}`, r]))
    const messages = extractionMessages(
      [...refs].map(([ref, r]) => ({ ref, text: r.text })),
      { user: t.message, assistant: t.answer }
    )
    const client = await providers.client(agent.providerId, { timeout: options.extractionTimeoutMs })
    const started = Date.now()
    let answer = ''
    let usage = { prompt_tokens: 0, completion_tokens: 0 }
    let failure: string | undefined
    // A signal of its own, linked to shutdown: the SDK leaves a listener on the signal it is given.
    const abort = new AbortController()
    const onClose = () => abort.abort()
    closing.signal.addEventListener('abort', onClose, { once: true })
    try {
      const res = await client.chat.completions.create({ model: agent.model, messages, stream: false }, { signal: abort.signal })
      answer = res.choices[0]?.message?.content ?? ''
      usage = { prompt_tokens: res.usage?.prompt_tokens ?? 0, completion_tokens: res.usage?.completion_tokens ?? 0 }
      const ops = parseOperations(answer)
      if (await apply(agent, scope, rows, refs, ops)) changed(t.userId, scope.shared ? null : agent.id)
    } catch (err) {
      failure = (err as Error)?.message ?? String(err)
      throw err
    } finally {
      closing.signal.removeEventListener('abort', onClose)
      // The extraction shows in the turn's trace next to the answer it learned from.
      await steps
        .insert({
          id: newId(),
          run_id: t.runId,
          session_id: t.sessionId,
          kind: 'model',
          name: `${agent.model} (memory)`,
          input: JSON.stringify(messages).slice(0, 8000),
          output: answer.slice(0, 8000),
          error: failure ?? null,
          tokens_in: usage.prompt_tokens,
          tokens_out: usage.completion_tokens,
          started_at: started,
          ended_at: Date.now()
        })
        .catch(() => undefined) // the session may be gone already; the trace is a nicety
    }
  }

  const hooks: TurnMemory = {
    recall,
    remember(t) {
      if (!t.agent.memory?.enabled || !t.message.trim() || closing.signal.aborted) return
      const key = `${t.userId}\u0000${t.agent.memory.shared ? '' : t.agent.id}`
      const job: Promise<void> = (chains.get(key) ?? Promise.resolve())
        .then(() => (locks ? locks.run(personLock(t.userId), () => extract(t), { waitMs: 2 * options.extractionTimeoutMs }) : extract(t)))
        .then(() => void failed.delete(t.agent.id))
        .catch((err) => {
          // The chat user already has the answer; a failed extraction only costs one memory,
          // but the studio user is told (memory screen), not only the server log.
          if (closing.signal.aborted) return
          log.warn({ err, agentId: t.agent.id }, 'memory extraction failed')
          const failure = { agentId: t.agent.id, userId: t.userId, message: (err as Error)?.message ?? String(err), at: Date.now() }
          failed.set(t.agent.id, failure)
          events.emit('memories.failed', failure)
        })
        .finally(() => {
          pending.delete(job)
          if (chains.get(key) === job) chains.delete(key)
        })
      chains.set(key, job)
      pending.add(job)
    }
  }

  return {
    hooks,
    /** The last failed extraction of each agent, newest first. */
    failures: (): MemoryFailure[] => [...failed.values()].sort((a, b) => b.at - a.at),

    async list(f: { userId?: string; agentId?: string; q?: string }): Promise<Memory[]> {
      let agentIds: (string | null)[] | undefined
      if (f.agentId) {
        const agent = await agents.get(f.agentId)
        agentIds = agent.memory.shared ? [agent.id, null] : [agent.id]
      }
      return (await repo.list({ userId: f.userId, agentIds, q: f.q })).map(toMemory)
    },
    users: () => repo.users(),
    get: async (id: string) => toMemory(await row(id)),

    async create(input: z.output<typeof MemoryCreate>): Promise<Memory> {
      const agentId = (await agentIdOrNull(input.agentId)) ?? null
      const same = await repo.list({ userId: input.userId, agentIds: [agentId] })
      if (same.some((r) => normalizeFact(r.text) === normalizeFact(input.text))) throw new AppError('conflict', 'This is already remembered for this user')
      const now = Date.now()
      const r: MemoryRow = { id: newId(), user_id: input.userId, agent_id: agentId, text: input.text, created_at: now, updated_at: now }
      await repo.insert(r)
      changed(r.user_id, r.agent_id)
      return toMemory(r)
    },

    async update(id: string, patch: z.output<typeof MemoryUpdate>): Promise<Memory> {
      const current = await row(id)
      const agentId = await agentIdOrNull(patch.agentId)
      await repo.update(id, {
        ...(patch.text !== undefined && { text: patch.text }),
        ...(agentId !== undefined && { agent_id: agentId }),
        updated_at: Date.now()
      })
      const next = await row(id)
      changed(next.user_id, next.agent_id)
      if (next.agent_id !== current.agent_id) changed(current.user_id, current.agent_id)
      return toMemory(next)
    },

    async delete(id: string): Promise<{ ok: true }> {
      const current = await row(id)
      await repo.delete(id)
      changed(current.user_id, current.agent_id)
      return { ok: true }
    },

    /** "Forget me": everything about the user (or one agent's own memories of them). */
    async forget(userId: string, agentId?: string): Promise<{ deleted: number }> {
      const id = agentId ? (await agents.get(agentId)).id : undefined
      // An extraction still running would write the forgotten facts back right after.
      await Promise.all([...chains].filter(([key]) => key.startsWith(`${userId}\u0000`)).map(([, job]) => job))
      // And one running in another process of a team server (it holds the person's lock meanwhile).
      const forget = () => repo.forget(userId, id)
      const res = locks ? await locks.run(personLock(userId), forget, { waitMs: 2 * options.extractionTimeoutMs }) : await forget()
      const deleted = Number(res.numDeletedRows)
      if (deleted) changed(userId, id ?? null)
      return { deleted }
    },

    /** Resolves when every extraction started so far has finished (tests, shutdown). */
    async idle(): Promise<void> {
      while (pending.size) await Promise.all([...pending])
    },

    async close(): Promise<void> {
      closing.abort()
      await Promise.all([...pending])
    }
  }
}
