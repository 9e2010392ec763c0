import { connect } from 'node:net'

/**
 * A bare HTTP/1.1 client on a TCP socket. The fuzzer needs what fetch and http.request refuse to
 * send: raw bytes and bad %-escapes in the request line, any Host, a Content-Length that lies, a
 * body cut off mid-way, malformed heads. Every request asks for `Connection: close`, so the
 * answer ends when the server closes the socket.
 */

export interface RawRequest {
  /** The whole head is written as given when set (malformed-HTTP cases); otherwise built. */
  head?: string
  method: string
  /** Written verbatim into the request line. */
  target: string
  headers: [string, string][]
  body?: Buffer
  /** Send only this many body bytes, then close our side (the server sees an aborted request). */
  cutAt?: number
}

export interface RawResponse {
  status: number
  headers: Record<string, string>
  body: Buffer
  /** No status line came back before the socket closed (the server dropped the request). */
  dropped: boolean
  timedOut: boolean
}

export function buildHead(req: RawRequest, hostPort: string): string {
  if (req.head !== undefined) return req.head
  const names = new Set(req.headers.map(([k]) => k.toLowerCase()))
  const lines = [`${req.method} ${req.target} HTTP/1.1`]
  if (!names.has('host')) lines.push(`Host: ${hostPort}`)
  if (!names.has('connection')) lines.push('Connection: close')
  if (req.body && !names.has('content-length') && !names.has('transfer-encoding')) lines.push(`Content-Length: ${req.body.length}`)
  for (const [k, v] of req.headers) lines.push(`${k}: ${v}`)
  return lines.join('\r\n') + '\r\n\r\n'
}

function decodeChunked(buf: Buffer): Buffer {
  const out: Buffer[] = []
  let at = 0
  while (at < buf.length) {
    const eol = buf.indexOf('\r\n', at)
    if (eol < 0) break
    const size = parseInt(buf.subarray(at, eol).toString('latin1'), 16)
    if (!Number.isFinite(size) || size === 0) break
    out.push(buf.subarray(eol + 2, eol + 2 + size))
    at = eol + 2 + size + 2
  }
  return Buffer.concat(out)
}

export function parseResponse(raw: Buffer): Omit<RawResponse, 'timedOut'> {
  const end = raw.indexOf('\r\n\r\n')
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(raw.subarray(0, 20).toString('latin1'))
  if (!m || end < 0) return { status: 0, headers: {}, body: raw, dropped: true }
  const headers: Record<string, string> = {}
  for (const line of raw.subarray(0, end).toString('latin1').split('\r\n').slice(1)) {
    const i = line.indexOf(':')
    if (i > 0) {
      const k = line.slice(0, i).trim().toLowerCase()
      headers[k] = headers[k] ? `${headers[k]}, ${line.slice(i + 1).trim()}` : line.slice(i + 1).trim()
    }
  }
  let body = raw.subarray(end + 4)
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) body = decodeChunked(body)
  return { status: Number(m[1]), headers, body, dropped: false }
}

export function sendRaw(port: number, req: RawRequest, timeoutMs = 15_000): Promise<RawResponse> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    const parts: Buffer[] = []
    let settled = false
    const finish = (timedOut: boolean) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      socket.destroy()
      resolve({ ...parseResponse(Buffer.concat(parts)), timedOut })
    }
    const timer = setTimeout(() => finish(true), timeoutMs)
    socket.on('data', (d) => parts.push(d))
    socket.on('error', () => finish(false))
    socket.on('close', () => finish(false))
    socket.on('connect', () => {
      socket.write(Buffer.from(buildHead(req, `127.0.0.1:${port}`), 'latin1'))
      if (!req.body) return
      if (req.cutAt === undefined) return void socket.write(req.body)
      socket.write(req.body.subarray(0, req.cutAt))
      // The client vanishes mid-body: give the server a moment to read what came, then reset.
      setTimeout(() => finish(false), 30)
    })
  })
}
