import { randomUUID } from 'node:crypto'
import { STATUS_CODES, type ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'
import { AppError, type ErrorCode } from '../contract/errors'
import { log } from '../base/log'

function verdict(code: string | undefined): { code: ErrorCode; message: string } {
  if (code === 'HPE_HEADER_OVERFLOW') return { code: 'headers_too_large', message: 'The request headers are too large' }
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return { code: 'request_timeout', message: 'The request took too long to arrive' }
  return { code: 'bad_request', message: 'Malformed HTTP request' }
}

/**
 * The http server's `clientError`: a request Node's parser refuses (bad request line, bad header,
 * headers over the limit, a timeout) gets the JSON error shape and the connection is closed. Node's
 * own answer is an empty 400/431 that tells the client nothing.
 */
export function answerMalformedHttp(err: NodeJS.ErrnoException, socket: Duplex): void {
  const inFlight = (socket as Duplex & { _httpMessage?: ServerResponse })._httpMessage
  // Gone already, or an answer has started on this connection: nothing can be said any more.
  if (err.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    log.debug({ code: err.code }, 'connection dropped')
    socket.destroy()
    return
  }
  const requestId = randomUUID()
  const { code, message } = verdict(err.code)
  log.info({ requestId, code: err.code, reason: err.message }, 'malformed HTTP request refused')
  answerRaw(socket, new AppError(code, message), requestId)
}

/**
 * The http server's `connect` (a CONNECT request, as a proxy would get): we are no proxy. Without a
 * listener Node drops the connection without a word.
 */
export function refuseConnect(socket: Duplex): void {
  const requestId = randomUUID()
  log.info({ requestId }, 'CONNECT refused')
  answerRaw(
    socket,
    new AppError('method_not_allowed', 'CONNECT is not supported: this server is not a proxy'),
    requestId,
    'Allow: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS'
  )
}

/** An answer written straight to the connection (no request object exists), which is then closed. */
function answerRaw(socket: Duplex, error: AppError, requestId: string, ...extraHeaders: string[]): void {
  if (!socket.writable) return void socket.destroy()
  const body = JSON.stringify(error.toBody())
  socket.end(
    [
      `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status]}`,
      'Content-Type: application/json; charset=utf-8',
      `Content-Length: ${Buffer.byteLength(body)}`,
      `X-Request-Id: ${requestId}`,
      'X-Content-Type-Options: nosniff',
      'Connection: close',
      ...extraHeaders,
      '',
      body
    ].join('\r\n'),
    () => socket.destroy()
  )
}
