/** Far above any chunk a model sends (a few hundred bytes; a whole tool call's arguments at most). */
const MAX_EVENT_CHARS = 16 * 1024 * 1024

/** One Server-Sent Event: `event` is null when the stream named none. */
export interface SseEvent {
  event: string | null
  data: string
}

/**
 * Splits a byte stream into Server-Sent Events as the WHATWG spec reads them (LF, CRLF or CR line
 * ends; `data:` lines joined by LF; comments and unknown fields skipped; an event without data is
 * not dispatched; see `end` for the one leniency). It hands each event to a plain callback: the openai SDK's `Stream` goes through
 * three async-generator layers per event, which was most of the relay's per-chunk parsing cost.
 * The one SSE parser of the project: the core reads providers' streams with it, the renderer the
 * studio's and the phone page's streams (so this file uses web APIs only; `sse-stream.ts` adds Node streams).
 */
export class SseDecoder {
  private readonly text = new TextDecoder()
  private rest = ''
  private data: string[] = []
  private dataChars = 0
  private event: string | null = null

  /** `maxEventChars` bounds one event (and one line): a server that never ends one must not fill memory. */
  constructor(
    private readonly onEvent: (e: SseEvent) => void,
    private readonly maxEventChars = MAX_EVENT_CHARS
  ) {}

  push(bytes: Uint8Array): void {
    this.lines(this.rest + this.text.decode(bytes, { stream: true }), false)
    if (this.rest.length + this.dataChars > this.maxEventChars) throw new Error(`the provider sent an event longer than ${this.maxEventChars} characters`)
  }

  /**
   * The stream ended. Unlike the spec, an event the server did not close with a blank line is still
   * dispatched: a provider that ends its stream sloppily would otherwise lose its last chunk (often the usage).
   */
  end(): void {
    this.lines(this.rest + this.text.decode(), true)
    this.line('')
  }

  private lines(buf: string, final: boolean): void {
    let start = 0
    // Providers end lines with LF; CR handling only runs when there is a CR to handle.
    const crs = buf.includes('\r')
    for (;;) {
      const lf = buf.indexOf('\n', start)
      const cr = crs ? buf.indexOf('\r', start) : -1
      const at = lf < 0 ? cr : cr < 0 ? lf : Math.min(lf, cr)
      if (at < 0) break
      let next = at + 1
      if (at === cr) {
        // A CR as the last character may be the first half of a CRLF split across reads.
        if (next === buf.length && !final) break
        if (buf.charCodeAt(next) === 10) next++
      }
      this.line(buf.slice(start, at))
      start = next
    }
    this.rest = buf.slice(start)
    if (final) {
      if (this.rest) this.line(this.rest)
      this.rest = ''
    }
  }

  private line(line: string): void {
    if (line === '') {
      if (this.data.length) this.onEvent({ event: this.event, data: this.data.join('\n') })
      this.data = []
      this.dataChars = 0
      this.event = null
      return
    }
    const colon = line.indexOf(':')
    if (colon === 0) return
    const field = colon < 0 ? line : line.slice(0, colon)
    let value = colon < 0 ? '' : line.slice(colon + 1)
    if (value.charCodeAt(0) === 32) value = value.slice(1)
    if (field === 'data') {
      this.data.push(value)
      this.dataChars += value.length
    } else if (field === 'event') this.event = value
  }
}

/**
 * Reads a response body to its end, calling `onEvent` for each event. Returning `false` from
 * `onEvent` (at `[DONE]`) skips the events after it, but the body is still read to its end, as the
 * SDK does, so the keep-alive connection goes back to the pool instead of being cut (a new
 * connection per turn cost a connect and a close). An error cancels the body.
 */
export async function readSse(body: ReadableStream<Uint8Array>, onEvent: (e: SseEvent) => boolean | void): Promise<void> {
  const reader = body.getReader()
  let skip = false
  let complete = false
  const decoder = new SseDecoder((e) => {
    if (!skip && onEvent(e) === false) skip = true
  })
  try {
    for (;;) {
      const { value, done } = await reader.read()
      if (done) {
        decoder.end()
        complete = true
        break
      }
      decoder.push(value)
    }
  } finally {
    if (!complete) reader.cancel().catch(() => undefined)
  }
}
