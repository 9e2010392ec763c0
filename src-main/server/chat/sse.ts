import type { Request, Response } from 'express'

/** A Server-Sent Events response: `data:` frames out, an abort signal when the client leaves. */
export interface SseStream {
  /** Aborts when the client closes the connection before `end()`. */
  readonly signal: AbortSignal
  /** Sends one `data:` frame; objects are JSON-encoded, strings go verbatim (`[DONE]`). */
  data(payload: unknown): void
  end(): void
}

export const HEARTBEAT_MS = 15_000

// One ticker for every open stream: a timer per stream costs more than a scan at 1000 streams.
const open = new Set<{ last: number; beat(): void }>()
let ticker: NodeJS.Timeout | undefined

function watch(entry: { last: number; beat(): void }) {
  open.add(entry)
  ticker ??= setInterval(
    () => {
      const due = Date.now() - HEARTBEAT_MS
      for (const e of open) if (e.last <= due) e.beat()
    },
    Math.min(HEARTBEAT_MS, 5_000)
  ).unref()
}

function unwatch(entry: { last: number; beat(): void }) {
  open.delete(entry)
  if (!open.size && ticker) {
    clearInterval(ticker)
    ticker = undefined
  }
}

/** Runs `fn` once if the client closes the connection before the response is complete. */
export function onClientGone(res: Response, fn: () => void): void {
  // The client may already be gone by the time the turn started.
  if (res.closed || res.destroyed) {
    if (!res.writableEnded) fn()
    return
  }
  res.once('close', () => {
    if (!res.writableEnded) fn()
  })
}

/**
 * Starts an event stream. Frames leave at the end of the tick they were written in (no compression,
 * Nagle off, `X-Accel-Buffering: no` for nginx in front); during long quiet spells (a tool or a
 * wait) comment lines keep proxies and browsers from timing the connection out.
 */
export function openSse(req: Request, res: Response): SseStream {
  const controller = new AbortController()
  res.status(200)
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8')
  res.setHeader('Cache-Control', 'no-cache, no-transform')
  res.setHeader('Connection', 'keep-alive')
  res.setHeader('X-Accel-Buffering', 'no')
  req.socket.setNoDelay(true)

  const writable = () => !res.writableEnded && !res.destroyed
  const entry = {
    last: Date.now(),
    beat() {
      if (!writable()) return
      entry.last = Date.now()
      res.write(': keep-alive\n\n')
    }
  }
  watch(entry)
  res.once('close', () => unwatch(entry))
  onClientGone(res, () => controller.abort())

  // Frames written in the same tick leave in one packet: one read from the provider often carries
  // several chunks when the server is busy, and one write per frame would cost a syscall each
  // exactly when there is least time for it. An idle server still sends each frame at once.
  let corked = false
  const flush = () => {
    if (!corked) return
    corked = false
    if (!res.destroyed) res.uncork()
  }
  const cork = () => {
    if (corked) return
    corked = true
    res.cork()
    process.nextTick(flush)
  }
  // The headers go out now, even if the first event takes a while; a frame written in this tick
  // (often the turn's first) shares their packet.
  cork()
  res.flushHeaders()

  return {
    signal: controller.signal,
    data(payload) {
      if (!writable()) return
      entry.last = Date.now()
      cork()
      res.write(`data: ${typeof payload === 'string' ? payload : JSON.stringify(payload)}\n\n`)
    },
    end() {
      unwatch(entry)
      // end() sends what is still corked together with the end of the response.
      corked = false
      if (writable()) res.end()
      else if (!res.destroyed) res.uncork()
    }
  }
}
