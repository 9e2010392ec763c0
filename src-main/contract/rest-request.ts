import { endpoints, streams, type ApiOutput, type EndpointName, type StreamName } from './api'
import { AppError, wireError, type WireError } from './errors'

/**
 * The one way to call an Agenta server over REST, derived only from the endpoints table: the
 * renderer's HTTP transport (src-renderer/src/api/http.ts) and the desktop's team-server link
 * (core/team-link) both build their requests and read their answers here, and keep only what is
 * theirs (the fetch, credentials, what a failure means to them).
 */
export interface RestRequest {
  method: string
  /** The path with its query, to append to the server's origin. */
  path: string
  headers: Record<string, string>
  /** JSON; absent for GET and DELETE. */
  body?: string
}

function headers(accept: string, token: string | undefined, json: boolean): Record<string, string> {
  return { accept, ...(json && { 'content-type': 'application/json' }), ...(token && { authorization: `Bearer ${token}` }) }
}

/**
 * Path params filled in (encoded, and not repeated), the rest as the query (GET/DELETE) or the
 * JSON body. A missing path param is a bad request before anything is sent. `token` goes as
 * `Authorization: Bearer` (the browser studio relies on the server's cookie instead).
 */
export function restRequest(name: EndpointName, input: unknown, token?: string): RestRequest {
  const ep = endpoints[name]
  const rest: Record<string, unknown> = { ...((input ?? {}) as Record<string, unknown>) }
  const path = ep.path.replace(/:([A-Za-z_]\w*)/g, (_m, key: string) => {
    const value = rest[key]
    if (value === undefined || value === null || value === '') throw new AppError('bad_request', `Missing "${key}" for ${name}`)
    delete rest[key]
    return encodeURIComponent(String(value))
  })
  if (ep.method === 'GET' || ep.method === 'DELETE') {
    const query = new URLSearchParams()
    for (const [key, value] of Object.entries(rest)) if (value !== undefined && value !== null) query.set(key, String(value))
    const qs = query.toString()
    return { method: ep.method, path: path + (qs ? `?${qs}` : ''), headers: headers('application/json', token, false) }
  }
  return { method: ep.method, path, headers: headers('application/json', token, true), body: JSON.stringify(rest) }
}

/** A streamed call: a POST of its input, answered with Server-Sent Events (one JSON event per `data:`). */
export function streamRequest(name: StreamName, input: unknown, token?: string): RestRequest {
  return { method: 'POST', path: streams[name].path, headers: headers('text/event-stream', token, true), body: JSON.stringify(input ?? {}) }
}

/** An answer's text as JSON; undefined when it is empty or not JSON (a proxy's HTML error page). */
export function readJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined
  } catch {
    return undefined
  }
}

/**
 * An answer's status and text read as the contract says: a 2xx's JSON, or the server's error in
 * the JSON error shape. `error` is absent when the body is not ours (a proxy's HTML error page, an
 * empty body): then the status alone has to tell the story.
 */
export function restAnswer(status: number, text: string): { ok: true; body: unknown } | { ok: false; error?: WireError } {
  const body = readJson(text)
  if (status >= 200 && status < 300) return { ok: true, body }
  const error = wireError(body)
  return error ? { ok: false, error } : { ok: false }
}

/** An answer checked against the endpoint's output schema (over any transport); `issue` says what is wrong with it. */
export function parseOutput<N extends EndpointName>(name: N, body: unknown): { ok: true; data: ApiOutput<N> } | { ok: false; issue: string } {
  const parsed = endpoints[name].output.safeParse(body)
  return parsed.success ? { ok: true, data: parsed.data as ApiOutput<N> } : { ok: false, issue: parsed.error.issues[0]?.message ?? 'invalid' }
}
