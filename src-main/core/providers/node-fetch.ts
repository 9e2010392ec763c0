import http, { type IncomingMessage } from 'node:http'
import https from 'node:https'

/** Where a response made by `nodeFetch` keeps its Node stream (see `nodeBodyOf`). */
const NODE_BODY = Symbol('agenta.nodeBody')

// One keep-alive pool per protocol for every provider, as undici's global dispatcher does.
const agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) }

const abortError = () => new DOMException('This operation was aborted', 'AbortError')

/** No connection to the provider within the connect timeout (the SDK hands it over as an APIConnectionError's cause). */
export class ConnectTimeoutError extends Error {
  readonly code = 'ETIMEDOUT'
  constructor(readonly ms: number) {
    super(`no connection within ${ms} ms`)
  }
}

/**
 * A `fetch` for the `openai` SDK's streamed chat calls, on `node:http` instead of undici. The SDK
 * still builds the request, sets auth and maps statuses and connection errors; the difference is
 * the response body: undici hands each chunk through a Node stream, an async iterator and a web
 * stream before anyone reads it, which was the largest per-chunk cost of relaying a stream after
 * the socket writes. `model-call.ts` reads the Node stream directly (`nodeBodyOf`); anyone else
 * (the SDK reading an error body) gets an ordinary web stream, created only when read.
 * Bodies other than text or bytes, and protocols other than http(s), go to the global fetch.
 * `connectTimeoutMs` bounds the name lookup, the connection and (https) its TLS handshake; a
 * kept-alive connection taken from the pool is already connected.
 */
export function nodeFetch(input: string | URL | Request, init: RequestInit = {}, opts: { connectTimeoutMs?: number } = {}): Promise<Response> {
  const url = new URL(input instanceof Request ? input.url : input)
  const agent = agents[url.protocol as keyof typeof agents]
  const body = init.body
  if (!agent || input instanceof Request || (body != null && typeof body !== 'string' && !(body instanceof Uint8Array))) {
    return fetch(input, init)
  }
  const signal = init.signal
  return new Promise<Response>((resolve, reject) => {
    const send = (retried: boolean) => {
      if (signal?.aborted) return reject(signal.reason ?? abortError())
      const req = (url.protocol === 'https:' ? https : http).request(url, {
        method: init.method ?? 'GET',
        headers: Object.fromEntries(new Headers(init.headers)),
        agent
      })
      req.once('socket', (socket) => {
        if (!opts.connectTimeoutMs || !socket.connecting) return
        const timer = setTimeout(() => req.destroy(new ConnectTimeoutError(opts.connectTimeoutMs!)), opts.connectTimeoutMs)
        const connected = () => clearTimeout(timer)
        socket.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', connected)
        socket.once('close', connected)
      })
      const onAbort = () => req.destroy(signal?.reason ?? abortError())
      signal?.addEventListener('abort', onAbort, { once: true })
      const done = () => signal?.removeEventListener('abort', onAbort)
      req.once('error', (err: NodeJS.ErrnoException) => {
        done()
        // A kept-alive connection the server closed while it sat idle fails at once, before the
        // request reached anyone: Node's documented remedy is to send it again on a new one.
        if (req.reusedSocket && err.code === 'ECONNRESET' && !retried && !signal?.aborted) send(true)
        else reject(err)
      })
      req.once('response', (res) => {
        // Aborting after the headers destroys the body, which its reader sees as an error.
        res.once('close', done)
        resolve(toResponse(res))
      })
      req.end(body ?? undefined)
    }
    send(false)
  })
}

/** The Node stream behind a response made by `nodeFetch`, if that is what it is. */
export function nodeBodyOf(response: Response): IncomingMessage | undefined {
  return (response as Response & { [NODE_BODY]?: IncomingMessage })[NODE_BODY]
}

function toResponse(res: IncomingMessage): Response {
  const headers = new Headers()
  for (let i = 0; i < res.rawHeaders.length; i += 2) headers.append(res.rawHeaders[i], res.rawHeaders[i + 1])
  const status = res.statusCode ?? 500
  const empty = status === 204 || status === 304
  let attached = false
  // highWaterMark 0: nothing pulls (and the Node stream does not start flowing) until someone reads.
  const webBody = empty
    ? null
    : new ReadableStream<Uint8Array>(
        {
          pull(controller) {
            if (attached) return
            attached = true
            res.on('data', (chunk: Buffer) => controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)))
            res.once('end', () => controller.close())
            res.once('error', (err) => controller.error(err))
          },
          cancel() {
            res.destroy()
          }
        },
        { highWaterMark: 0 }
      )
  if (empty) res.resume()
  const response = new Response(webBody, { status, statusText: res.statusMessage, headers })
  Object.defineProperty(response, NODE_BODY, { value: res })
  return response
}
