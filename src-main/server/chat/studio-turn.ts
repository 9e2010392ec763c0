import { Router } from 'express'
import { streams } from '../../contract/api'
import type { Runtime } from '../../core/runtime'
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
    const body = parseBody(input, req.body, 'chat turn request')
    // The studio answers waits itself (POST /api/chat/waits/:waitId), so its turns may ask.
    const turn = await runtime.chat.startTurn({ ...body, interactive: true })
    await streamTurn(req, res, turn, (event) => [event])
  })
  return router
}
