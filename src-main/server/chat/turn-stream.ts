import type { Request, Response } from 'express'
import type { TurnEvent } from '../../contract/chat'
import type { TurnHandle } from '../../core/chat/chat-service'
import { onClientGone, openSse } from './sse'

/** Maps one turn event to the frames a transport sends for it (none, one or several). */
export type FrameMapper = (event: TurnEvent) => unknown[]

/**
 * Relays a running turn as Server-Sent Events. The client leaving stops the turn (the model
 * request is aborted, the partial answer saved as "stopped"). The mapper always sees a complete
 * sequence ending in `done`, even if the turn crashed without reporting one.
 */
export async function streamTurn(req: Request, res: Response, turn: TurnHandle, frames: FrameMapper): Promise<void> {
  const sse = openSse(req, res)
  sse.signal.addEventListener('abort', () => turn.cancel(), { once: true })
  // Its outcome reaches the client through the events; a rejection must not go unhandled.
  turn.done.catch(() => undefined)
  let sawDone = false
  for await (const event of turn.events) {
    if (event.type === 'done') sawDone = true
    for (const frame of frames(event)) sse.data(frame)
  }
  if (!sawDone) {
    const why = await turn.done.then(
      () => 'The turn ended without an answer',
      (err: unknown) => (err as Error)?.message || 'The turn failed unexpectedly'
    )
    for (const frame of frames({ type: 'error', code: 'internal', message: why })) sse.data(frame)
    for (const frame of frames({ type: 'done', status: 'error', messageId: null, usage: { promptTokens: 0, completionTokens: 0 } })) sse.data(frame)
  }
  sse.end()
}

/** For answers that are not streamed: the client leaving still stops the turn. */
export function cancelWhenGone(res: Response, turn: TurnHandle): void {
  onClientGone(res, () => turn.cancel())
}
