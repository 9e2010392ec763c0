import type { EndpointName } from '@contract/api'
import { AppError } from '@contract/errors'
import { restAnswer, restRequest, streamRequest, type RestRequest } from '@contract/rest-request'
import { ApiError, apiErrorOf, fromWire, unreachableError } from './errors'
import { readSse } from './sse'
import type { StreamTransport, Transport } from './transport'

export interface HttpOptions {
  /** Sent as `Authorization: Bearer`; the browser studio relies on the server's cookie instead. */
  token?: string
  fetch?: typeof fetch
}

/** The request as the contract builds it; its refusal (a missing path param) is an ApiError like the server's. */
function toRequest(name: EndpointName, input: unknown, token: string | undefined): RestRequest {
  try {
    return restRequest(name, input, token)
  } catch (err) {
    throw err instanceof AppError ? fromWire(err.toBody().error, err.status) : err
  }
}

const unreachable = (err: unknown) => unreachableError(err instanceof Error ? err.message : String(err))

const errorOf = async (res: Response): Promise<ApiError> => {
  const answer = restAnswer(res.status, await res.text().catch(() => ''))
  return apiErrorOf(answer.ok ? undefined : answer.error, res.status)
}

/** The browser transport: REST under /api on the same origin (or `baseUrl`). */
export function httpTransport(baseUrl = '', opts: HttpOptions = {}): Transport {
  const doFetch = opts.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args))
  return async (name, input) => {
    const req = toRequest(name, input, opts.token)
    let res: Response
    try {
      res = await doFetch(baseUrl + req.path, { method: req.method, headers: req.headers, body: req.body, credentials: 'same-origin' })
    } catch (err) {
      throw unreachable(err)
    }
    const answer = restAnswer(res.status, await res.text())
    if (!answer.ok) throw apiErrorOf(answer.error, res.status)
    return answer.body
  }
}

/** Streams over HTTP: a POST answered with Server-Sent Events, one JSON event per `data:`. */
export function httpStream(baseUrl = '', opts: HttpOptions = {}): StreamTransport {
  const doFetch = opts.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args))
  return async (name, input, onEvent, signal) => {
    const req = streamRequest(name, input, opts.token)
    try {
      const res = await doFetch(baseUrl + req.path, { method: req.method, headers: req.headers, body: req.body, credentials: 'same-origin', signal })
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
