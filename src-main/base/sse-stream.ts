import type { Readable } from 'node:stream'
import { SseDecoder, type SseEvent } from './web/sse'

/**
 * `readSse` for a Node stream (a body from `nodeFetch`): events are handed over synchronously as
 * each chunk arrives, with no promise per read. Ends with an error if the stream closes early.
 */
export function readSseStream(body: Readable, onEvent: (e: SseEvent) => boolean | void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let settled = false
    let skip = false
    const finish = (err?: unknown) => {
      if (settled) return
      settled = true
      body.off('data', onData)
      if (err !== undefined) reject(err)
      else resolve()
      // Stopped by an error: nothing more is read, the connection goes.
      if (!body.readableEnded) body.destroy()
    }
    const decoder = new SseDecoder((e) => {
      if (!settled && !skip && onEvent(e) === false) skip = true
    })
    const onData = (chunk: Buffer) => {
      try {
        decoder.push(chunk)
      } catch (err) {
        finish(err)
      }
    }
    body.on('data', onData)
    body.once('end', () => {
      try {
        decoder.end()
        finish()
      } catch (err) {
        finish(err)
      }
    })
    body.once('error', (err) => finish(err))
    body.once('close', () => finish(new Error('terminated: the provider closed the stream before its end')))
  })
}
