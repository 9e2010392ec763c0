import express, { Router, type Request, type Response } from 'express'
import type { z } from 'zod'
import type { OpenAiChatRequest } from '../../contract/chat'
import type { Agent } from '../../contract/entities'
import { AppError } from '../../contract/errors'
import { ChatCompletionRequest, ResponsesRequest, SAMPLING_KEYS } from '../../contract/openai'
import type { CallerRequest, TurnSummary } from '../../core/chat/turn'
import type { TurnHandle } from '../../core/chat/chat-service'
import type { Runtime } from '../../core/runtime'
import type { Caller, ChatAccess } from '../chat/access'
import { parseBody } from '../chat/body'
import { cancelWhenGone, streamTurn, type FrameMapper } from '../chat/turn-stream'
import { openAiError, openAiErrorHandler, retryHeaders, turnFailure } from './errors'
import { completion, completionChunks } from './format'
import { IdempotencyKeys, type JsonAnswer, type Recording, type SharedRecordings } from './idempotency'
import { toTurnInput } from './request'
import { responseEvents, responseObject, responsesMessages } from './responses'

const modelEntry = (a: Agent) => ({ id: a.uuid, object: 'model' as const, created: Math.floor(a.createdAt / 1000), owned_by: 'agenta', name: a.name })

/** One /v1 request as a turn: what it asks, and how its answer is written (JSON and stream). */
interface TurnPlan {
  model: string
  stream: boolean
  user?: string
  messages: z.output<typeof OpenAiChatRequest>['messages']
  caller?: CallerRequest
  frames(created: number): FrameMapper
  answer(summary: TurnSummary, created: number): unknown
}

/** The caller's sampling parameters and response_format, as the model call takes them. */
function chatParams(body: ChatCompletionRequest): Record<string, unknown> {
  const params: Record<string, unknown> = {}
  for (const k of SAMPLING_KEYS) if (body[k] !== undefined && body[k] !== null) params[k] = body[k]
  // One limit, under the name the agent's own parameter uses (and every compatible server knows):
  // sent together, the two names contradict each other.
  if (params.max_completion_tokens !== undefined) {
    params.max_tokens ??= params.max_completion_tokens
    delete params.max_completion_tokens
  }
  if (body.response_format) params.response_format = body.response_format
  return params
}

/**
 * The OpenAI-compatible API, mounted at /v1: every agent is a model. Each completion runs the
 * agent's full turn (tools included) statelessly: the request's messages are the history, and the
 * turn is recorded in a fresh session of its own. Tools the caller sends are offered to the model
 * too; a call of one ends the turn and goes back to the caller as `tool_calls`.
 */
export function openAiRouter(runtime: Runtime, access: ChatAccess, opts: { bodyLimit: string; recordings?: SharedRecordings }): Router {
  const router = Router()
  // A team server's processes share the keys (a retry may land on another one); a lone process keeps them itself.
  const idempotency = new IdempotencyKeys(undefined, undefined, opts.recordings)
  router.use(access.cors)

  /** The agents the studio or a person may use (a person: those shared with them). */
  async function visibleTo(caller: Caller): Promise<Agent[]> {
    const all = await runtime.agents.list()
    return caller.kind === 'user' ? runtime.visibleAgents(all, caller.person, 'use') : all
  }

  /** The agent a `model` names (uuid, id or name) and that the caller may use. */
  async function agentFor(caller: Caller, model: string, req: Request): Promise<Agent> {
    const notFound = () => new AppError('not_found', `The model \`${model}\` does not exist: use an agent's uuid or name (GET /v1/models lists them)`)
    if (caller.kind === 'key') {
      const own = await access.agentByKey(caller.key)
      if (model !== own.uuid && model !== own.id && model !== own.name) throw notFound()
      return access.authorize(caller, own, req.headers.origin)
    }
    const agents = await visibleTo(caller)
    const exact = agents.find((a) => a.uuid === model || a.id === model)
    if (exact) return exact
    const named = agents.filter((a) => a.name === model)
    if (named.length > 1)
      throw new AppError('validation_failed', `Several agents are named "${model}": use the uuid of the one you mean`, {
        issues: [{ path: 'model', message: 'ambiguous' }]
      })
    if (!named.length) throw notFound()
    return named[0]
  }

  /**
   * Runs the plan's turn and answers. With an Idempotency-Key, a repeated request gets the first
   * one's answer (live, if it is still running) instead of running the turn again, and the turn
   * runs to its end even when the client leaves, since its retry will come for the answer.
   */
  async function runPlan(req: Request, res: Response, plan: TurnPlan): Promise<void> {
    const caller = res.locals.caller as Caller
    const agent = await agentFor(caller, plan.model, req)
    access.narrowCors(res, agent)
    const { message, history, extraSystem, title } = toTurnInput(plan.messages)
    if (!agent.providerId || !agent.model)
      throw new AppError('validation_failed', `The agent "${agent.name}" has no model yet: pick a provider and model in its settings`, {
        issues: [{ path: 'model', message: 'the agent has no model' }],
        openAiCode: 'no_model'
      })

    const key = req.get('idempotency-key')
    const owner = caller.kind === 'key' ? `key:${caller.key}` : caller.kind === 'user' ? `user:${caller.person.userId}` : 'studio'
    const claim = key ? await idempotency.claim(owner, key, { path: req.path, body: req.body }) : undefined
    if (claim && !claim.first) return claim.recording.replay(req, res, plan.stream)
    const recording = claim?.recording

    let turn
    try {
      // A person's turns are theirs whatever `user` says (it is an end-user label in OpenAI's API).
      const userId = caller.kind === 'user' ? caller.person.userId : (plan.user ?? 'openai-api')
      const session = await runtime.chat.sessions.create({ agentId: agent.id, userId, title, origin: 'api' })
      turn = await runtime.chat.startTurn({ sessionId: session.id, agent, message, history, extraSystem, userId, interactive: false, caller: plan.caller })
    } catch (err) {
      claim?.release()
      throw err
    }
    const created = Math.floor(Date.now() / 1000)
    const held = recording ? { ...turn, cancel: () => undefined } : turn
    try {
      await relay(req, res, plan, held, created, recording)
    } finally {
      // Whatever happened, a retry waiting on this recording gets an answer rather than waiting forever.
      if (recording && !recording.ended) recording.end()
    }
  }

  /** Relays the running turn: as a stream, or as one JSON answer once it is done. */
  async function relay(req: Request, res: Response, plan: TurnPlan, turn: TurnHandle, created: number, recording: Recording | undefined): Promise<void> {
    if (plan.stream) {
      const frames = plan.frames(created)
      await streamTurn(
        req,
        res,
        turn,
        recording
          ? (e) => {
              const out = frames(e)
              for (const f of out) recording.frame(f)
              return out
            }
          : frames
      )
      return recording?.end()
    }

    cancelWhenGone(res, turn)
    let toolsRan = false
    for await (const e of turn.events) if (e.type === 'tool_result') toolsRan = true
    const summary = await turn.done
    let reply: JsonAnswer
    if (summary.status === 'error') {
      const failure = turnFailure(summary.error ?? { code: 'upstream_error', message: 'The agent could not answer' }, { toolsRan })
      reply = { status: failure.status, headers: failure.headers, body: failure.body }
    } else reply = { status: 200, headers: {}, body: plan.answer(summary, created) }
    recording?.end(reply)
    if (!res.writableEnded && !res.destroyed) res.status(reply.status).set(reply.headers).json(reply.body)
  }

  router.get('/models', access.identify, async (req, res) => {
    const caller = res.locals.caller as Caller
    if (caller.kind === 'key') {
      const agent = await access.authorize(caller, await access.agentByKey(caller.key), req.headers.origin)
      access.narrowCors(res, agent)
      return void res.json({ object: 'list', data: [modelEntry(agent)] })
    }
    res.json({ object: 'list', data: (await visibleTo(caller)).map(modelEntry) })
  })

  router.get('/models/:model', access.identify, async (req, res) => {
    const agent = await agentFor(res.locals.caller as Caller, String(req.params.model), req)
    access.narrowCors(res, agent)
    res.json(modelEntry(agent))
  })

  const json = express.json({ limit: opts.bodyLimit })

  router.post('/chat/completions', access.identify, json, async (req, res) => {
    const body = parseBody(ChatCompletionRequest, req.body, 'chat completion request')
    const callerTools = new Set(body.tools?.map((t) => t.function.name))
    await runPlan(req, res, {
      model: body.model,
      stream: body.stream,
      user: body.user,
      messages: body.messages,
      caller: {
        tools: body.tools,
        toolChoice: body.tools?.length ? body.tool_choice : undefined,
        parallelToolCalls: body.tools?.length ? body.parallel_tool_calls : undefined,
        params: chatParams(body)
      },
      frames: (created) => completionChunks({ model: body.model, created, includeUsage: body.stream_options?.include_usage === true, callerTools }),
      answer: (summary, created) => completion(summary, body.model, created)
    })
  })

  router.post('/responses', access.identify, json, async (req, res) => {
    const body = parseBody(ResponsesRequest, req.body, 'response request')
    const params: Record<string, unknown> = {}
    if (body.temperature != null) params.temperature = body.temperature
    if (body.top_p != null) params.top_p = body.top_p
    if (body.max_output_tokens != null) params.max_tokens = body.max_output_tokens
    await runPlan(req, res, {
      model: body.model,
      stream: body.stream,
      user: body.user,
      messages: responsesMessages(body),
      caller: { params },
      frames: (created) => responseEvents({ model: body.model, created }),
      answer: (summary, created) => responseObject(summary, body.model, created)
    })
  })

  router.use((req, res) => {
    res
      .status(404)
      .set(retryHeaders(false))
      .json(openAiError(`Unknown request URL: ${req.method} ${req.originalUrl.split('?')[0]}`, 'invalid_request_error', 'unknown_url'))
  })
  router.use(openAiErrorHandler)
  return router
}
