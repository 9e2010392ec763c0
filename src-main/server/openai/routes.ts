import express, { Router, type Request } from 'express'
import { OpenAiChatRequest } from '../../contract/chat'
import type { Agent } from '../../contract/entities'
import { AppError } from '../../contract/errors'
import type { Runtime } from '../../core/runtime'
import type { Caller, ChatAccess } from '../chat/access'
import { parseBody } from '../chat/body'
import { cancelWhenGone, streamTurn } from '../chat/turn-stream'
import { openAiError, openAiErrorHandler, turnFailure } from './errors'
import { completion, completionChunks } from './format'
import { toTurnInput } from './request'

const modelEntry = (a: Agent) => ({ id: a.uuid, object: 'model' as const, created: Math.floor(a.createdAt / 1000), owned_by: 'agenta', name: a.name })

/**
 * The OpenAI-compatible API, mounted at /v1: every agent is a model. Each completion runs the
 * agent's full turn (tools included) statelessly: the request's messages are the history, and the
 * turn is recorded in a fresh session of its own.
 */
export function openAiRouter(runtime: Runtime, access: ChatAccess, opts: { bodyLimit: string }): Router {
  const router = Router()
  router.use(access.cors)

  /** The agent a `model` names (uuid, id or name) and that the caller may use. */
  async function agentFor(caller: Caller, model: string, req: Request): Promise<Agent> {
    const notFound = () => new AppError('not_found', `The model \`${model}\` does not exist: use an agent's uuid or name (GET /v1/models lists them)`)
    if (caller.kind === 'key') {
      const own = await access.agentByKey(caller.key)
      if (model !== own.uuid && model !== own.id && model !== own.name) throw notFound()
      return access.authorize(caller, own, req.headers.origin)
    }
    const agents = await runtime.agents.list()
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

  router.get('/models', access.identify, async (req, res) => {
    const caller = res.locals.caller as Caller
    if (caller.kind === 'key') {
      const agent = access.authorize(caller, await access.agentByKey(caller.key), req.headers.origin)
      access.narrowCors(res, agent)
      return void res.json({ object: 'list', data: [modelEntry(agent)] })
    }
    res.json({ object: 'list', data: (await runtime.agents.list()).map(modelEntry) })
  })

  router.post('/chat/completions', access.identify, express.json({ limit: opts.bodyLimit }), async (req, res) => {
    const body = parseBody(OpenAiChatRequest, req.body, 'chat completion request')
    const agent = await agentFor(res.locals.caller as Caller, body.model, req)
    access.narrowCors(res, agent)
    const { message, history, extraSystem } = toTurnInput(body.messages)
    const userId = body.user ?? 'openai-api'
    const session = await runtime.chat.sessions.create({ agentId: agent.id, userId, title: message.replace(/\s+/g, ' ').trim().slice(0, 40) })
    const turn = await runtime.chat.startTurn({ sessionId: session.id, agent, message, history, extraSystem, userId, interactive: false })
    const created = Math.floor(Date.now() / 1000)

    if (body.stream)
      return streamTurn(req, res, turn, completionChunks({ model: body.model, created, includeUsage: body.stream_options?.include_usage === true }))

    cancelWhenGone(res, turn)
    const summary = await turn.done
    if (summary.status === 'error') {
      const failure = turnFailure(summary.error ?? { code: 'upstream_error', message: 'The agent could not answer' })
      return void res.status(failure.status).json(failure.body)
    }
    res.json(completion(summary, body.model, created))
  })

  router.use((req, res) => {
    res.status(404).json(openAiError(`Unknown request URL: ${req.method} ${req.originalUrl.split('?')[0]}`, 'invalid_request_error', 'unknown_url'))
  })
  router.use(openAiErrorHandler)
  return router
}
