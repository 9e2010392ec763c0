import { readSse as readSseEvents } from '../../../src-main/base/web/sse'

/**
 * Reads a Server-Sent Events body and calls `onData` with each event's data (multi-line data
 * joined by "\n"), through the project's one SSE parser (src-main/base/web/sse.ts). Our streams put
 * everything in `data:`, so the event name is dropped. Shared by the studio's stream transport,
 * the phone page and the kiosk.
 */
export function readSse(body: ReadableStream<Uint8Array>, onData: (data: string) => void): Promise<void> {
  return readSseEvents(body, (e) => {
    onData(e.data)
  })
}
