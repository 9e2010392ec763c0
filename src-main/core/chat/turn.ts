import type OpenAI from 'openai'
import type { Attachment, MessageMeta, Source, TurnEvent, TurnStatus, Usage } from '../../contract/chat'
import type { Agent, ProviderTimeouts } from '../../contract/entities'
import { AppError } from '../../contract/errors'
import type { Selectable } from 'kysely'
import type { ChatRepo, NewMessage } from '../../store/repos/chat'
import type { RunStepsTable } from '../../store/schema'
import { toMessage } from '../../store/repos/chat'
import { tick } from '../util/clock'
import { newId } from '../util/ids'
import { throttledProgress } from './tool-progress'
import type { Presenter } from './presenter'
import { TurnSpeech } from './turn-speech'
import { toModelMessages, windowHistory } from './history'
import { branchAfter } from './branches'
import { readAttachments } from './attachments'
import { ModelCallError, streamModelCall, type RetryPolicy } from './model-call'
import { renderSystemPrompt } from './system-prompt'
import type { ToolContext, ToolRegistry, ToolResult, ToolSpec } from './tool-registry'
import type { WaitRegistry } from './waits'
import { interruption } from './interrupted'
import { log } from '../../base/log'

type Msg = OpenAI.Chat.Completions.ChatCompletionMessageParam

export interface TurnDeps {
  repo: ChatRepo
  /** Runs `fn` in one database transaction, with a repo bound to it. */
  transaction<T>(fn: (repo: ChatRepo) => Promise<T>): Promise<T>
  registry: ToolRegistry
  waits: WaitRegistry
  /** The provider's client, with its name and timeouts for the model call (providers-service.ts). */
  client(providerId: string): Promise<{ client: OpenAI; baseUrl: string; name?: string; timeouts?: ProviderTimeouts }>
  options: TurnOptions
}

export interface TurnOptions {
  retry: RetryPolicy
  /** Tokens of history sent with each call (the system prompt and tools come on top). */
  historyBudget: number
  toolTimeoutMs: number
  /** How long a digital human may take to speak an answer (the control socket's presenter). */
  speechTimeoutMs: number
  /** Knowledge bases bound to the agent as context (src-main/core/knowledge). */
  knowledge?: TurnKnowledge
  /** Long-term memory (src-main/core/memory): recalled into the system prompt, fed each answered turn. */
  memory?: TurnMemory
}

export interface TurnMemory {
  /** Text to add to the system prompt ('' = nothing). Must not throw: memory never breaks a turn. */
  recall(q: { agent: Agent; userId: string; message: string }): Promise<string>
  /** Called once the answer is out; works in the background, so it never delays the answer. */
  remember(t: { agent: Agent; userId: string; sessionId: string; runId: string; message: string; answer: string }): void
}

export interface TurnKnowledge {
  /** Passages for the user's message as a system-prompt section, and their sources; null when none. */
  context(q: { agent: Agent; query: string; runId: string; signal?: AbortSignal }): Promise<{ system: string; sources: Source[] } | null>
}

export interface TurnInput {
  agent: Agent
  sessionId: string
  userId: string
  /** The user's message; absent when regenerating. */
  message?: string
  /** Files sent with the message (images for vision models, documents to read). */
  attachments?: Attachment[]
  regenerate?: boolean
  editMessageId?: string
  /** The session had a title when the turn was asked for (its first message names it otherwise). */
  sessionTitled?: boolean
  clientId?: string
  interactive: boolean
  /**
   * A speaking client (a digital human): the turn goes on only once it has said the answer (and
   * the text before each tool call), and the `explain` tool narrates through it step by step.
   */
  presenter?: Presenter
  /** Emit `sentence` events: the answer's speakable sentences, each as soon as it ends. */
  sentences?: boolean
  /** Instructions a caller adds after the agent's own (the OpenAI API's system messages). */
  extraSystem?: string
  /** History given by the caller instead of the session's (stateless OpenAI API calls). */
  history?: Msg[]
  clientInfo?: string
  /** Another model for this turn only (a scheduled task's own model choice). */
  modelOverride?: { providerId: string; model: string }
  /** What a stateless caller (the OpenAI API) brings for the model: its own tools and parameters. */
  caller?: CallerRequest
}

/**
 * Tools the caller runs itself: when the model calls one, the turn ends and returns the calls
 * (the caller sends their results in its next request). `params` (response_format, temperature…)
 * go to every model call of the turn, over the agent's own.
 */
export interface CallerRequest {
  tools?: OpenAI.Chat.Completions.ChatCompletionFunctionTool[]
  toolChoice?: OpenAI.Chat.Completions.ChatCompletionToolChoiceOption
  /** Only sent with tools (providers refuse it without). */
  parallelToolCalls?: boolean
  params?: Record<string, unknown>
}

export interface TurnSummary {
  runId: string
  status: TurnStatus
  /** Everything the agent said in this turn, across its steps. */
  text: string
  cards: { type: string; data: Record<string, unknown> }[]
  usage: Usage
  messageId: string | null
  error?: { code: string; message: string }
  /** Calls of the caller's own tools (TurnInput.caller) the turn ended on, for the caller to run. */
  toolCalls?: { id: string; name: string; arguments: string }[]
}

const TRACE_LIMIT = 8_000
const clip = (s: string) => (s.length > TRACE_LIMIT ? `${s.slice(0, TRACE_LIMIT)}… (${s.length} chars)` : s)

/**
 * One agent turn: persist the user's message, stream the model, run the tools it calls (in
 * parallel), feed their results back, until it answers or the step limit; every model and tool
 * call traced. Never throws: failures end the turn with an error event and what was said is kept.
 */
export async function runTurn(deps: TurnDeps, input: TurnInput, signal: AbortSignal, emitEvent: (e: TurnEvent) => void): Promise<TurnSummary> {
  // Sources (automatic context and search_knowledge calls) are kept with the answer, so its [n] citations stay resolvable.
  const sources: Source[] = []
  const emit = (e: TurnEvent) => {
    if (e.type === 'sources') sources.push(...e.sources)
    emitEvent(e)
  }
  const { repo } = deps
  const { sessionId } = input
  const agent = input.modelOverride ? { ...input.agent, ...input.modelOverride } : input.agent
  const runId = newId()
  const turnStarted = Date.now()
  const usage: Usage = { promptTokens: 0, completionTokens: 0 }
  const cards: TurnSummary['cards'] = []
  let said = ''
  const speech = new TurnSpeech(emit, signal, { sentences: input.sentences, presenter: input.presenter })
  emit({ type: 'start', runId, sessionId })

  const messageRow = (role: 'user' | 'assistant' | 'tool', content: string, meta: MessageMeta) => ({
    id: newId(),
    session_id: sessionId,
    role,
    content,
    // An answer says which model gave it and after how long (shown under it in the chat).
    meta: JSON.stringify({ runId, ...meta, ...(role === 'assistant' && { ...(agent.model && { model: agent.model }), durationMs: Date.now() - turnStarted }) }),
    created_at: tick()
  })
  const save = async (role: 'user' | 'assistant' | 'tool', content: string, meta: MessageMeta) => {
    const row = messageRow(role, content, meta)
    await repo.messages.insert(row)
    return row.id
  }
  /**
   * Ends the turn: the last writes (the final trace step and answer) and the session's time commit
   * in one transaction before `done` goes out, so a client that reads the session after `done`
   * finds the answer.
   */
  const finish = async (
    status: TurnStatus,
    messageId: string | null,
    error?: { code: string; message: string },
    writes: Array<(r: ChatRepo) => Promise<unknown>> = []
  ): Promise<TurnSummary> => {
    await deps.transaction(async (r) => {
      for (const write of writes) await write(r)
      await r.sessions.update(sessionId, { updated_at: Date.now() })
    })
    if (error) emit({ type: 'error', ...error })
    emit({ type: 'done', status, messageId, usage, ...(agent.model && { model: agent.model }), durationMs: Date.now() - turnStarted })
    return { runId, status, text: said, cards, usage, messageId, ...(error && { error }) }
  }

  try {
    const userText = await applyUserMessage(deps, input, messageRow)
    if (!agent.providerId || !agent.model) {
      return await finish('error', null, { code: 'no_model', message: `The agent "${agent.name}" has no model yet: pick a provider and model in its settings` })
    }
    const { client, ...provider } = await deps.client(agent.providerId)

    const history = input.history ?? toModelMessages((await repo.messages.recent(sessionId, 400)).map(toMessage))
    // A caller's follow-up that brings its tools' results has no new user message.
    const asked: Msg[] = input.history && userText ? [{ role: 'user', content: userText }] : []
    const windowed = windowHistory(input.history ? [...history, ...asked] : history, deps.options.historyBudget).messages
    const remembered = (await deps.options.memory?.recall({ agent, userId: input.userId, message: userText })) ?? ''
    const system = [renderSystemPrompt(agent, { userId: input.userId, clientInfo: input.clientInfo }), input.extraSystem, remembered]
      .filter(Boolean)
      .join('\n\n')
    const knowledge = await knowledgeContext(deps, { agent, query: userText, runId, signal })
    if (knowledge) emit({ type: 'sources', sources: knowledge.sources })
    const prompt = [system, knowledge?.system].filter(Boolean).join('\n\n')
    const messages: Msg[] = [...(prompt ? [{ role: 'system' as const, content: prompt }] : []), ...windowed]

    const ctx: ToolContext = {
      agent,
      sessionId,
      userId: input.userId,
      runId,
      clientId: input.clientId,
      interactive: input.interactive,
      speech,
      signal,
      waits: deps.waits,
      emit
    }
    const callerTools = input.caller?.tools ?? []
    const callerNames = new Set(callerTools.map((t) => t.function.name))
    // A caller's tool shadows an agent tool of the same name: the caller asked for its own.
    const tools = (await deps.registry.toolsFor(ctx)).filter((t) => !callerNames.has(t.name))
    const byName = new Map(tools.map((t) => [t.name, t]))

    for (let step = 1; ; step++) {
      // The last allowed step gets no tools, so the model has to answer with what it has.
      const offerTools = tools.length + callerTools.length > 0 && step < agent.maxSteps
      const started = Date.now()
      const stepId = newId()
      let result
      try {
        result = await streamModelCall(
          client,
          {
            model: agent.model,
            messages,
            ...(offerTools && {
              tools: [
                ...tools.map((t) => ({ type: 'function' as const, function: { name: t.name, description: t.description, parameters: t.parameters } })),
                ...callerTools
              ],
              ...(input.caller?.toolChoice && { tool_choice: input.caller.toolChoice }),
              ...(input.caller?.parallelToolCalls !== undefined && { parallel_tool_calls: input.caller.parallelToolCalls })
            }),
            ...modelParams(agent),
            ...input.caller?.params
          },
          {
            signal,
            ...provider,
            retry: deps.options.retry,
            // After a card, saying nothing more is an answer; otherwise an empty reply is a fault.
            allowEmpty: cards.length > 0,
            onDelta: (text) => {
              said += text
              emit({ type: 'delta', content: text })
              speech.text(text)
            },
            onReasoning: (text) => emit({ type: 'reasoning', content: text })
          }
        )
      } catch (err) {
        if (!(err instanceof ModelCallError)) throw err
        const p = err.partial
        const modelStep = stepRow({
          id: stepId,
          runId,
          sessionId,
          kind: 'model',
          name: agent.model,
          input: messages,
          output: p.text,
          error: err.aborted ? 'stopped' : err.fault.message,
          usage: p.usage,
          started
        })
        const status: TurnStatus = err.aborted ? 'stopped' : 'error'
        const answer =
          p.text || cards.length
            ? messageRow('assistant', p.text, {
                status,
                cards,
                usage,
                ...(sources.length && { sources }),
                ...(status === 'error' && { error: err.fault.message }),
                ...(status === 'stopped' && interruption(signal))
              })
            : null
        return await finish(status, answer?.id ?? null, err.aborted ? undefined : { code: err.fault.code, message: err.fault.message }, [
          (r) => r.steps.insert(modelStep),
          ...(answer ? [(r: ChatRepo) => r.messages.insert(answer)] : [])
        ])
      }
      usage.promptTokens += result.usage.promptTokens
      usage.completionTokens += result.usage.completionTokens
      speech.endText()
      const modelStep = stepRow({
        id: stepId,
        runId,
        sessionId,
        kind: 'model',
        name: agent.model,
        input: messages,
        output: result.text + (result.toolCalls.length ? `\n${JSON.stringify(result.toolCalls)}` : ''),
        usage: result.usage,
        started
      })

      if (!result.toolCalls.length || !offerTools) {
        await speech.present(result.text)
        const answer = messageRow('assistant', result.text, {
          status: 'ok',
          cards,
          usage,
          ...(sources.length && { sources }),
          ...(result.reasoning && { reasoning: result.reasoning })
        })
        const summary = await finish('ok', answer.id, undefined, [(r) => r.steps.insert(modelStep), (r) => r.messages.insert(answer)])
        deps.options.memory?.remember({ agent, userId: input.userId, sessionId, runId, message: userText, answer: said })
        return summary
      }

      const forCaller = result.toolCalls.filter((c) => callerNames.has(c.name))
      if (forCaller.length) {
        // The caller runs these and comes back with their results. The agent's own calls of this
        // step are not run: the model asks for them again then, if it still needs them.
        for (const c of forCaller) emit({ type: 'tool_call', id: c.id, name: c.name, arguments: c.arguments })
        const answer = messageRow('assistant', result.text, { status: 'ok', toolCalls: forCaller, cards, usage, ...(sources.length && { sources }) })
        const summary = await finish('ok', answer.id, undefined, [(r) => r.steps.insert(modelStep), (r) => r.messages.insert(answer)])
        return { ...summary, toolCalls: forCaller }
      }

      await repo.steps.insert(modelStep)
      await save('assistant', result.text, { toolCalls: result.toolCalls, ...(result.reasoning && { reasoning: result.reasoning }) })
      messages.push({
        role: 'assistant',
        content: result.text || null,
        tool_calls: result.toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } }))
      })
      await speech.present(result.text)
      for (const c of result.toolCalls) emit({ type: 'tool_call', id: c.id, name: c.name, arguments: c.arguments })

      const outcomes = await Promise.all(result.toolCalls.map((c) => callTool(deps, byName.get(c.name), c, ctx)))
      for (const [i, c] of result.toolCalls.entries()) {
        const { result: r, durationMs } = outcomes[i]
        // Images go with the step too, so the chat shows them instead of the "[image 1: …]" placeholder.
        const images = r.images?.length ? { images: r.images } : {}
        await save('tool', r.content, { toolCallId: c.id, toolName: c.name, isError: !!r.isError, ...images })
        messages.push({ role: 'tool', tool_call_id: c.id, content: r.content })
        emit({ type: 'tool_result', id: c.id, name: c.name, content: r.content, isError: !!r.isError, durationMs, ...images })
        if (r.card) {
          cards.push(r.card)
          emit({ type: 'card', card: r.card })
        }
      }
      // Tool messages can only hold text; images reach vision models as a user message right after.
      const images = result.toolCalls.flatMap((c, i) => (outcomes[i].result.images ?? []).map((url) => ({ name: c.name, url })))
      if (images.length) {
        messages.push({
          role: 'user',
          content: [
            { type: 'text', text: `Images returned by ${[...new Set(images.map((im) => im.name))].join(', ')}:` },
            ...images.map((im) => ({ type: 'image_url' as const, image_url: { url: im.url } }))
          ]
        })
      }
      if (signal.aborted) {
        const stopped = messageRow('assistant', '', { status: 'stopped', cards, usage, ...interruption(signal) })
        return await finish('stopped', stopped.id, undefined, [(r) => r.messages.insert(stopped)])
      }
    }
  } catch (err) {
    const appErr = err instanceof AppError ? err : null
    if (!appErr) log.error({ err }, 'turn failed')
    return await finish('error', null, { code: appErr?.code ?? 'internal', message: appErr?.message ?? 'The turn failed unexpectedly' })
  }
}

/** Passages from the agent's knowledge bases for this message; a failed search costs only the context, never the turn. */
async function knowledgeContext(deps: TurnDeps, q: { agent: Agent; query: string; runId: string; signal: AbortSignal }) {
  if (!deps.options.knowledge || !q.query.trim()) return null
  try {
    return await deps.options.knowledge.context(q)
  } catch (err) {
    log.warn({ err }, 'knowledge search for this turn failed')
    return null
  }
}

/** Writes the user's message (an edit: as a new branch beside the old one); returns its text. */
async function applyUserMessage(
  deps: TurnDeps,
  input: TurnInput,
  messageRow: (role: 'user', content: string, meta: MessageMeta) => NewMessage
): Promise<string> {
  const { repo } = deps
  if (input.history) {
    // Stateless callers (the OpenAI API) bring their own history; the session still records the exchange.
    if (input.message) await repo.messages.insert(messageRow('user', input.message, {}))
    return input.message ?? ''
  }
  // Read before anything is deleted or saved: an unreadable file fails the message, nothing else.
  const attachments = input.attachments?.length ? await readAttachments(input.attachments) : undefined
  let branchFrom: { parentId: string | null } | undefined
  if (input.editMessageId) {
    const m = await repo.messages.find(input.editMessageId)
    if (!m || m.session_id !== input.sessionId || m.role !== 'user' || Number(m.hidden))
      throw new AppError('not_found', `No user message ${input.editMessageId} in this session`, undefined, {
        reason: 'no_message',
        params: { id: input.editMessageId }
      })
    if (!input.message) throw new AppError('validation_failed', 'Invalid request: message: the edited text is required')
    // The edit becomes a branch beside the message it replaces (branches.ts); the old one is kept.
    branchFrom = { parentId: m.parent_id }
  } else if (input.regenerate) {
    const all = await repo.messages.list(input.sessionId)
    const lastUser = [...all].reverse().find((m) => m.role === 'user')
    if (!lastUser) throw new AppError('conflict', 'Nothing to regenerate: the session has no message yet', undefined, { reason: 'nothing_to_regenerate' })
    // The old answer (everything after the user's message) becomes another branch; the question stays.
    await deps.transaction((r) => branchAfter(r, input.sessionId, lastUser.id))
    return lastUser.content
  }
  if (!input.message) throw new AppError('validation_failed', 'Invalid request: message: must not be empty')
  const row = messageRow('user', input.message, attachments ? { attachments } : {})
  const title = input.message.replace(/\s+/g, ' ').slice(0, 40)
  await deps.transaction(async (r) => {
    if (branchFrom) await branchAfter(r, input.sessionId, branchFrom.parentId)
    await r.messages.insert(row)
    if (!input.sessionTitled) await r.sessions.titleIfUntitled(input.sessionId, title)
  })
  return input.message
}

function modelParams(agent: Agent) {
  const p = agent.params
  return {
    ...(p.temperature !== undefined && { temperature: p.temperature }),
    ...(p.topP !== undefined && { top_p: p.topP }),
    ...(p.maxTokens !== undefined && { max_tokens: p.maxTokens }),
    ...(p.presencePenalty !== undefined && { presence_penalty: p.presencePenalty }),
    ...(p.frequencyPenalty !== undefined && { frequency_penalty: p.frequencyPenalty })
  }
}

/** Runs one tool call; whatever goes wrong becomes an error result the model can read. */
async function callTool(
  deps: TurnDeps,
  tool: ToolSpec | undefined,
  call: { id: string; name: string; arguments: string },
  ctx: ToolContext
): Promise<{ result: ToolResult; durationMs: number }> {
  const started = Date.now()
  const stepId = newId()
  let result: ToolResult
  if (!tool) result = { content: `There is no tool named "${call.name}". Use one of the listed tools.`, isError: true }
  else {
    let args: Record<string, unknown> | undefined
    try {
      const parsed = call.arguments.trim() ? JSON.parse(call.arguments) : {}
      args = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : undefined
    } catch {
      args = undefined
    }
    if (!args) result = { content: `The arguments for ${call.name} are not a JSON object: ${call.arguments.slice(0, 200)}`, isError: true }
    else {
      const limit = tool.timeoutMs ?? deps.options.toolTimeoutMs
      const timeout = new AbortController()
      const signal = AbortSignal.any([ctx.signal, timeout.signal])
      let timer: NodeJS.Timeout | undefined
      const progress = throttledProgress((p) => ctx.emit({ type: 'tool_progress', id: call.id, name: call.name, ...p }))
      try {
        result = await Promise.race([
          tool.execute(args, { ...ctx, signal, progress: progress.report }),
          new Promise<ToolResult>((resolve) => {
            if (Number.isFinite(limit)) {
              timer = setTimeout(() => {
                timeout.abort()
                resolve({ content: `${call.name} did not finish within ${Math.round(limit / 1000)} s and was stopped.`, isError: true })
              }, limit)
            }
          })
        ])
      } catch (err) {
        result = { content: `${call.name} failed: ${(err as Error)?.message ?? String(err)}`, isError: true }
      } finally {
        clearTimeout(timer)
        progress.end()
      }
    }
  }
  await deps.repo.steps.insert(
    stepRow({
      id: stepId,
      runId: ctx.runId,
      sessionId: ctx.sessionId,
      kind: 'tool',
      name: call.name,
      input: call.arguments,
      output: result.content,
      error: result.isError ? result.content : undefined,
      started
    })
  )
  return { result, durationMs: Date.now() - started }
}

/** A trace row for a model or tool call that ends now (it may be written later, with the turn's last writes). */
function stepRow(s: {
  id: string
  runId: string
  sessionId: string
  kind: 'model' | 'tool'
  name: string
  input: unknown
  output: string
  error?: string
  usage?: { promptTokens: number; completionTokens: number }
  started: number
}): Selectable<RunStepsTable> {
  return {
    id: s.id,
    run_id: s.runId,
    session_id: s.sessionId,
    kind: s.kind,
    name: s.name,
    input: clip(typeof s.input === 'string' ? s.input : JSON.stringify(s.input)),
    output: clip(s.output),
    error: s.error ?? null,
    tokens_in: s.usage?.promptTokens ?? 0,
    tokens_out: s.usage?.completionTokens ?? 0,
    started_at: s.started,
    ended_at: Date.now()
  }
}
