import { endpoints, streams, type EndpointName } from '@contract/api'
import { ApiError, apiErrorFrom, unreachableError } from './errors'
import { readSse } from './sse'
import type { StreamTransport, Transport } from './transport'

export interface HttpOptions {
  /** Sent as `Authorization: Bearer`; the browser studio relies on the server's cookie instead. */
  token?: string
  fetch?: typeof fetch
}

interface HttpRequest {
  method: string
  url: string
  body?: string
}

/** Where and how a call goes, derived only from the endpoints table. */
export function toHttpRequest(baseUrl: string, name: EndpointName, input: unknown): HttpRequest {
  const ep = endpoints[name]
  const rest: Record<string, unknown> = { ...((input ?? {}) as Record<string, unknown>) }
  const path = ep.path.replace(/:([A-Za-z_]\w*)/g, (_m, key: string) => {
    const value = rest[key]
    if (value === undefined || value === null || value === '') throw new ApiError('bad_request', `Missing "${key}" for ${name}`, 400)
    delete rest[key]
    return encodeURIComponent(String(value))
  })
  if (ep.method === 'GET' || ep.method === 'DELETE') {
    const query = new URLSearchParams()
    for (const [key, value] of Object.entries(rest)) if (value !== undefined && value !== null) query.set(key, String(value))
    const qs = query.toString()
    return { method: ep.method, url: baseUrl + path + (qs ? `?${qs}` : '') }
  }
  return { method: ep.method, url: baseUrl + path, body: JSON.stringify(rest) }
}

/** The browser transport: REST under /api on the same origin (or `baseUrl`). */
export function httpTransport(baseUrl = '', opts: HttpOptions = {}): Transport {
  const doFetch = opts.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args))
  return async (name, input) => {
    const req = toHttpRequest(baseUrl, name, input)
    const headers: Record<string, string> = { accept: 'application/json' }
    if (req.body !== undefined) headers['content-type'] = 'application/json'
    if (opts.token) headers.authorization = `Bearer ${opts.token}`
    let res: Response
    try {
      res = await doFetch(req.url, { method: req.method, headers, body: req.body, credentials: 'same-origin' })
    } catch (err) {
      throw unreachableError(err instanceof Error ? err.message : String(err))
    }
    const text = await res.text()
    let body: unknown = undefined
    try {
      body = text ? JSON.parse(text) : undefined
    } catch {
      // A proxy's HTML error page: the status alone has to tell the story.
    }
    if (!res.ok) throw apiErrorFrom(body, res.status)
    return body
  }
}

const unreachable = (err: unknown) => unreachableError(err instanceof Error ? err.message : String(err))

async function errorOf(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => '')
  try {
    return apiErrorFrom(text ? JSON.parse(text) : undefined, res.status)
  } catch {
    return apiErrorFrom(undefined, res.status)
  }
}

/** Streams over HTTP: a POST answered with Server-Sent Events, one JSON event per `data:`. */
export function httpStream(baseUrl = '', opts: HttpOptions = {}): StreamTransport {
  const doFetch = opts.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args))
  return async (name, input, onEvent, signal) => {
    const headers: Record<string, string> = { accept: 'text/event-stream', 'content-type': 'application/json' }
    if (opts.token) headers.authorization = `Bearer ${opts.token}`
    try {
      const res = await doFetch(baseUrl + streams[name].path, {
        method: 'POST',
        headers,
        body: JSON.stringify(input ?? {}),
        credentials: 'same-origin',
        signal
      })
      if (!res.ok) throw await errorOf(res)
      if (!res.body) throw new ApiError('internal', 'The server answered without a stream', res.status)
      await readSse(res.body, (data) => {
        let event: unknown
        try {
          event = JSON.parse(data)
        } catch {
          return // not ours (a proxy's note): the events around it still count
        }
        onEvent(event)
      })
    } catch (err) {
      if (signal.aborted) return
      throw err instanceof ApiError ? err : unreachable(err)
    }
  }
}
