import { Router } from 'express'
import { streams } from '../../contract/api'
import type { Runtime } from '../../core/runtime'
import { authorize } from '../../core/access'
import { contextOf } from '../auth'
import { parseBody } from './body'
import { streamTurn } from './turn-stream'

/**
 * The studio's streaming turn (`streams['chat.turn']`): raw turn events as SSE, ending with
 * `done`. Mounted inside /api, behind the studio token and the JSON parser.
 */
export function studioTurnRouter(runtime: Runtime): Router {
  const router = Router()
  const { path, input } = streams['chat.turn']
  router.post(path.replace(/^\/api/, ''), async (req, res) => {
    const ctx = contextOf(res)
    // Declared with the stream (api.ts): a person continues only their own sessions, with an agent still shared with them.
    const allowed = await authorize('chat.turn', 'POST', streams['chat.turn'].access, req.body, ctx, runtime.owners)
    const body = parseBody(input, allowed, 'chat turn request')
    if (ctx.principal.kind === 'user') {
      const session = await runtime.chat.sessions.get(body.sessionId)
      await authorize('chat.turn', 'POST', { role: 'member', own: ['agentUse'] }, { agentId: session.agentId }, ctx, runtime.owners)
    }
    // The studio answers waits itself (POST /api/chat/waits/:waitId), so its turns may ask.
    const turn = await runtime.chat.startTurn({ ...body, interactive: true })
    await streamTurn(req, res, turn, (event) => [event])
  })
  return router
}
