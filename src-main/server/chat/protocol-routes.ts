import express, { Router } from 'express'
import { ChatInitBody, ChatMessageBody } from '../../contract/chat'
import { AppError } from '../../contract/errors'
import type { Runtime } from '../../core/runtime'
import { isUniqueViolation } from '../../store/errors'
import type { ChatAccess, Caller } from './access'
import { parseBody } from './body'
import { protocolFrames } from './protocol-frames'
import { cancelWhenGone, streamTurn } from './turn-stream'

/**
 * The original platform's chat endpoints, at the root as its clients expect:
 * `POST /chat-init` and `POST /chat-message` (SSE `{content, card}` chunks, then `[DONE]`).
 */
export function chatProtocolRouter(runtime: Runtime, access: ChatAccess, opts: { bodyLimit: string }): Router {
  const router = Router()
  const json = express.json({ limit: opts.bodyLimit })
  const paths = ['/chat-init', '/chat-message']
  router.use(paths, access.cors)

  router.post('/chat-init', access.identify, json, async (req, res) => {
    const body = parseBody(ChatInitBody, req.body, '/chat-init request')
    const caller = res.locals.caller as Caller
    const agent = await access.agent(caller, body.app_uuid, req)
    access.narrowCors(res, agent)
    const userId = access.userIdFor(caller, body.user_id, 'anonymous')
    const sessionId = body.session_id || undefined
    if (sessionId) await access.checkSession(caller, sessionId)
    if (sessionId) {
      const existing = await runtime.chat.sessions.get(sessionId).catch((err: unknown) => {
        if (err instanceof AppError && err.code === 'not_found') return null
        throw err
      })
      if (existing) {
        if (existing.agentId !== agent.id) throw new AppError('conflict', `The session ${sessionId} belongs to another agent`)
        return void res.json({ session_id: existing.id })
      }
    }
    try {
      // A client may bring its own id (it kept one from before); the session starts under it.
      const created = await runtime.chat.sessions.create({
        agentId: agent.id,
        userId,
        title: '',
        origin: 'chat',
        ...(sessionId && { id: sessionId })
      })
      res.json({ session_id: created.id })
    } catch (err) {
      // Two inits with the same new id at once: the other one created it.
      if (!sessionId || !isUniqueViolation(err)) throw err
      const other = await runtime.chat.sessions.get(sessionId)
      if (other.agentId !== agent.id) throw new AppError('conflict', `The session ${sessionId} belongs to another agent`)
      res.json({ session_id: other.id })
    }
  })

  router.post('/chat-message', access.identify, json, async (req, res) => {
    const body = parseBody(ChatMessageBody, req.body, '/chat-message request')
    const caller = res.locals.caller as Caller
    const agent = await access.agent(caller, body.app_uuid, req)
    access.narrowCors(res, agent)
    const userId = access.userIdFor(caller, body.user_id, 'anonymous')
    await access.checkSession(caller, body.session_id)
    // Only a connected socket (here or, on a team server, on another process) can answer waits;
    // a stale socket_id must not leave the turn hanging.
    const clientId = body.socket_id && (await runtime.chat.clients.reachable(body.socket_id)) ? body.socket_id : undefined
    // startTurn checks the session: 404 when unknown, 409 when it belongs to another agent.
    const turn = await runtime.chat.startTurn({
      sessionId: body.session_id,
      agent,
      message: body.message,
      userId,
      clientId,
      // A digital human on the control socket says each answer before the turn goes on.
      ...(body.is_digitalhuman && clientId && { presenter: runtime.chat.socketPresenter(clientId) }),
      sentences: body.sentences
    })

    if (body.stream) return streamTurn(req, res, turn, protocolFrames())

    cancelWhenGone(res, turn)
    const summary = await turn.done
    res.json({
      content: summary.text,
      card: summary.cards.at(-1) ?? null,
      cards: summary.cards,
      session_id: body.session_id,
      run_id: summary.runId,
      status: summary.status,
      ...(summary.error && { error: summary.error })
    })
  })

  return router
}
