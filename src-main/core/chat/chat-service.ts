import type { Kysely } from 'kysely'
import type { SessionOrigin, TurnEvent } from '../../contract/chat'
import type { Agent } from '../../contract/entities'
import { AppError } from '../../contract/errors'
import type { DB } from '../../store/schema'
import { chatRepo, toMessage, toSession, toStep } from '../../store/repos/chat'
import type { AgentsService } from '../agents/agents-service'
import type { ProvidersService } from '../providers/providers-service'
import { resolveModel } from '../providers/resolve-model'
import { EventQueue } from '../util/event-queue'
import { KeyedMutex } from '../../base/keyed-mutex'
import type { StudioEvents } from '../events'
import { newId } from '../util/ids'
import { builtinTools } from './builtin-tools'
import { ClientHub } from './client-hub'
import { controlSocketPresenter, type Presenter } from './presenter'
import { defaultRetry } from './model-call'
import { ToolRegistry } from './tool-registry'
import { runTurn, type TurnDeps, type TurnInput, type TurnOptions, type TurnSummary } from './turn'
import { WaitRegistry } from './waits'
import { alternatives, showBranch } from './branches'
import { TurnInterrupted } from './interrupted'
import { LockTimeout, type ClientDirectory, type KeyedLock, type WaitRelay } from '../coordination/types'
import { toAppError } from '../../contract/errors'

export interface TurnHandle {
  runId: Promise<string>
  events: AsyncIterable<TurnEvent>
  done: Promise<TurnSummary>
  /** Stops the model request and the tools; the partial answer is kept as "stopped". */
  cancel(): void
}

export type StartTurn = Omit<TurnInput, 'agent' | 'userId' | 'interactive'> & {
  agentId?: string
  /** The agent as the caller already read it (e.g. to authorise the request): spares reading it again. */
  agent?: Agent
  userId?: string
  interactive?: boolean
  signal?: AbortSignal
  /** A chat model row chosen for this turn only (the studio's model switch); the agent keeps its own. */
  modelId?: string
}

export type ChatService = ReturnType<typeof chatService>

/**
 * How long a turn waits for one on the same session in another process (a team server) before it
 * is refused with 409. In one process a turn waits for the one before it however long it takes.
 */
const SESSION_WAIT_MS = 15 * 60_000

export const defaultTurnOptions: TurnOptions = { retry: defaultRetry, historyBudget: 8_000, toolTimeoutMs: 60_000, speechTimeoutMs: 300_000 }

export function chatService(
  db: Kysely<DB>,
  agents: AgentsService,
  providers: ProvidersService,
  events: StudioEvents,
  options: Partial<TurnOptions> = {},
  shared: { waits?: WaitRelay; clients?: ClientDirectory; locks?: KeyedLock } = {}
) {
  const repo = chatRepo(db)
  const waits = new WaitRegistry(shared.waits)
  const clients = new ClientHub(waits, shared.clients)
  const registry = new ToolRegistry()
  registry.register(builtinTools(clients))
  registry.register(clients.toolProvider())
  const turnOptions = { ...defaultTurnOptions, ...options }
  // Turns on one session run one after another, so each sees the previous one's messages.
  const sessionTurns = new KeyedMutex()
  /**
   * On a team server a session's turns may be asked of any process: the shared lock (leased, so a
   * killed holder frees it) queues them across processes as `sessionTurns` does in this one.
   */
  const acrossProcesses = <T>(sessionId: string, task: () => Promise<T>): Promise<T> =>
    shared.locks ? shared.locks.run(`session:${sessionId}`, task, { leaseMs: 30_000, waitMs: SESSION_WAIT_MS }) : task()
  const running = new Set<AbortController>()
  /** Set when shutdown begins: turns already running may finish, new ones are refused. */
  let draining = false
  /** Set when shutdown stops the turns: one still queued behind another starts stopped. */
  let stopping = false

  const deps: TurnDeps = {
    repo,
    // The writes that belong together (a message and the session's title or time) commit at once.
    transaction: (fn) => db.transaction().execute((trx) => fn(chatRepo(trx))),
    registry,
    waits,
    options: turnOptions,
    client: (providerId: string) => providers.turnClient(providerId)
  }

  async function session(id: string) {
    const s = await repo.sessions.find(id)
    if (!s) throw new AppError('not_found', `No chat session with id ${id}`)
    return s
  }

  /** The branch shown, each message that has alternatives (edits, other answers) with their ids. */
  async function shownMessages(id: string) {
    await session(id)
    const [rows, alts] = await Promise.all([repo.messages.list(id), alternatives(repo, id)])
    return rows.map((r) => {
      const branches = alts.get(r.id)
      return { ...toMessage(r), ...(branches && { branches }) }
    })
  }

  /** The chat model to answer one turn with, when the request names one. */
  async function chatModel(modelId: string): Promise<{ providerId: string; model: string }> {
    const m = await resolveModel(db, modelId, 'chat')
    return { providerId: m.providerId, model: m.modelId }
  }

  return {
    registry,
    waits,
    clients,

    sessions: {
      get: async (id: string) => toSession(await session(id)),
      list: async (f: { agentId?: string; userId?: string; q?: string; origin?: SessionOrigin }) => {
        const agentId = f.agentId ? (await agents.get(f.agentId)).id : undefined
        return (await repo.sessions.list({ ...f, agentId })).map(toSession)
      },
      /** `origin`: where the session came from (default the studio), for the chat screen's filter. */
      async create(input: { agentId: string; userId: string; title: string; id?: string; origin?: SessionOrigin }) {
        const agent = await agents.get(input.agentId)
        const now = Date.now()
        const row = {
          id: input.id ?? newId(),
          agent_id: agent.id,
          user_id: input.userId,
          origin: input.origin ?? 'studio',
          title: input.title,
          created_at: now,
          updated_at: now
        }
        await repo.sessions.insert(row)
        events.emit('sessions.changed', { id: row.id, agentId: row.agent_id })
        return toSession(row)
      },
      async rename(id: string, title: string) {
        await session(id)
        await repo.sessions.update(id, { title, updated_at: Date.now() })
        const renamed = await session(id)
        events.emit('sessions.changed', { id, agentId: renamed.agent_id })
        return toSession(renamed)
      },
      async delete(id: string) {
        const gone = await session(id)
        await repo.sessions.delete(id)
        events.emit('sessions.changed', { id, agentId: gone.agent_id })
        return { ok: true as const }
      },
      /** The branch shown, each message that has alternatives (edits, other answers) with their ids. */
      messages: (id: string) => shownMessages(id),
      /**
       * Shows the branch that goes through one of a message's alternatives; the next turn continues
       * it. Waits for a running turn of the session, so an answer never lands on the other branch.
       */
      async showBranch(id: string, messageId: string) {
        const s = await session(id)
        await sessionTurns.run(id, () => acrossProcesses(id, () => deps.transaction((r) => showBranch(r, id, messageId))))
        events.emit('sessions.changed', { id, agentId: s.agent_id })
        return shownMessages(id)
      }
    },

    runSteps: async (runId: string) => {
      const steps = (await repo.steps.forRun(runId)).map(toStep)
      if (!steps.length) throw new AppError('not_found', `No run with id ${runId}`)
      return steps
    },

    /**
     * The presenter of a digital human on the control channel (`is_digitalhuman`): it sends
     * `wait_for_digitalhuman` to that socket and waits for its `digitalhuman_completion`, only
     * while the socket is connected.
     */
    socketPresenter: (clientId: string): Presenter => controlSocketPresenter(clients, clientId, { timeoutMs: turnOptions.speechTimeoutMs }),

    /** Answers a wait of this process or, on a team server, of the process running the turn. */
    async answerWait(waitId: string, data: unknown) {
      if (!(await waits.answerAnywhere(waitId, data)))
        throw new AppError('not_found', `Nothing is waiting under ${waitId} (answered already, timed out, or cancelled)`)
      return { ok: true as const }
    },

    /**
     * Starts a turn. Checks that fail before anything runs (unknown session or agent) reject;
     * everything after is reported through the events and `done`.
     */
    async startTurn(startReq: StartTurn): Promise<TurnHandle> {
      let req = startReq
      if (draining) throw new AppError('conflict', 'The server is shutting down: try again once it is back')
      const s = await session(req.sessionId)
      const agent = req.agent && (!req.agentId || req.agentId === req.agent.id) ? req.agent : await agents.get(req.agentId ?? s.agent_id)
      if (agent.id !== s.agent_id) throw new AppError('conflict', `Session ${s.id} belongs to another agent`)
      if (req.modelId) req = { ...req, modelOverride: await chatModel(req.modelId) }
      const controller = new AbortController()
      const onAbort = () => controller.abort()
      if (req.signal?.aborted) controller.abort()
      req.signal?.addEventListener('abort', onAbort, { once: true })
      const queue = new EventQueue<TurnEvent>()
      let resolveRunId!: (id: string) => void
      const runId = new Promise<string>((r) => (resolveRunId = r))
      const emit = (e: TurnEvent) => {
        if (e.type === 'start') resolveRunId(e.runId)
        queue.push(e)
      }

      let began = false
      const turn = async () => {
        began = true
        running.add(controller)
        if (stopping) controller.abort(new TurnInterrupted())
        try {
          return await runTurn(
            deps,
            {
              ...req,
              agent,
              sessionTitled: !!s.title,
              userId: req.userId ?? s.user_id,
              interactive: req.interactive ?? !!req.clientId
            },
            controller.signal,
            emit
          )
        } finally {
          // New messages, a new title: lists of this agent's sessions (phone users included) update.
          events.emit('sessions.changed', { id: s.id, agentId: s.agent_id })
          running.delete(controller)
          req.signal?.removeEventListener('abort', onAbort)
          queue.end()
        }
      }
      const done = sessionTurns.run(s.id, () =>
        acrossProcesses(s.id, turn).catch((err: unknown) => {
          // The shared lock was not had (Redis away, or another process's turn too long): the
          // turn never began, so its stream says why and ends here; `done` rejects with the
          // reason (409, or 503 while Redis is away) for callers that wait for the answer.
          if (!began) {
            const e =
              err instanceof LockTimeout
                ? new AppError('conflict', 'Another turn on this chat session is still running; try again once it has answered')
                : toAppError(err)
            queue.push({ type: 'error', code: e.code, message: e.message })
            queue.push({ type: 'done', status: 'error', messageId: null, usage: { promptTokens: 0, completionTokens: 0 } })
            queue.end()
            req.signal?.removeEventListener('abort', onAbort)
            throw e
          }
          throw err
        })
      )
      return { runId, events: queue, done, cancel: () => controller.abort() }
    },

    /** Shutdown, first step: new turns are refused; running and queued ones go on. */
    drain() {
      draining = true
    },

    /** Resolves when no turn is running or queued. */
    idle: () => sessionTurns.idle(),

    /** Turns running now (shutdown logs how many it had to stop). */
    get runningTurns() {
      return running.size
    },

    /** Stops every running turn (each keeps its partial answer, marked as interrupted) and every wait (shutdown). */
    async close() {
      draining = true
      stopping = true
      for (const c of running) c.abort(new TurnInterrupted())
      waits.cancelAll()
      await sessionTurns.idle()
    }
  }
}
