/**
 * Reads a Server-Sent Events body and calls `onData` with each event's data (multi-line data
 * joined by "\n"). Comments (heartbeats), `event:`, `id:` and `retry:` fields are skipped: our
 * streams put everything in `data:`. Shared by the studio's stream transport and the phone page.
 */
export async function readSse(body: ReadableStream<Uint8Array>, onData: (data: string) => void): Promise<void> {
  const reader = body.getReader()
  const decoder = new TextDecoder()
  const parser = sseParser(onData)
  for (;;) {
    const { value, done } = await reader.read()
    if (done) break
    // stream: true keeps a multi-byte character split across chunks whole.
    parser.push(decoder.decode(value, { stream: true }))
  }
  parser.push(decoder.decode())
  parser.end()
}

/** The incremental part of readSse, separate so it can be fed arbitrary splits in tests. */
export function sseParser(onData: (data: string) => void) {
  let buffer = ''
  let data: string[] = []
  const line = (text: string) => {
    if (text === '') {
      if (data.length) onData(data.join('\n'))
      data = []
      return
    }
    if (text.startsWith(':')) return
    const colon = text.indexOf(':')
    const field = colon < 0 ? text : text.slice(0, colon)
    let value = colon < 0 ? '' : text.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    if (field === 'data') data.push(value)
  }
  return {
    push(chunk: string) {
      buffer += chunk
      // A lone \r at the end may be the first half of \r\n: wait for the next chunk.
      const re = /\r\n|\r(?!$)|\n/g
      let start = 0
      let m: RegExpExecArray | null
      while ((m = re.exec(buffer))) {
        line(buffer.slice(start, m.index))
        start = m.index + m[0].length
      }
      buffer = buffer.slice(start)
    },
    end() {
      if (buffer) line(buffer.replace(/\r$/, ''))
      line('')
      buffer = ''
    }
  }
}
