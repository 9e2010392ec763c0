import { describe, expect, test } from 'vitest'
import { AppError } from '../../../src-main/contract/errors'
import { parseOutput, restAnswer, restRequest, streamRequest } from '../../../src-main/contract/rest-request'

// The one REST request builder, used by the renderer's HTTP transport and the desktop's team-server link.
describe('restRequest: the endpoints table decides method, path, query and body', () => {
  test('path params are substituted, encoded and not repeated in the body', () => {
    expect(restRequest('providers.update', { id: 'a/b', name: 'X' })).toEqual({
      method: 'PUT',
      path: '/api/providers/a%2Fb',
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: '{"name":"X"}'
    })
  })
  test('GET input becomes the query string, undefined values dropped', () => {
    expect(restRequest('models.list', { providerId: 'p1', type: undefined })).toMatchObject({ method: 'GET', path: '/api/models?providerId=p1' })
    expect(restRequest('models.list', { providerId: 'p1' }).body).toBeUndefined()
  })
  test('DELETE carries its id in the path and no body', () => {
    expect(restRequest('agents.delete', { id: 'x' })).toEqual({ method: 'DELETE', path: '/api/agents/x', headers: { accept: 'application/json' } })
  })
  test('a missing path param is a bad request before anything is sent', () => {
    for (const id of [undefined, null, '']) {
      const err = (() => {
        try {
          restRequest('agents.get', { id })
        } catch (e) {
          return e
        }
      })()
      expect(err).toBeInstanceOf(AppError)
      expect(err).toMatchObject({ code: 'bad_request', status: 400 })
    }
  })
  test('a token goes as Authorization: Bearer', () => {
    expect(restRequest('agents.list', {}, 'agt_x').headers).toEqual({ accept: 'application/json', authorization: 'Bearer agt_x' })
  })
  test('a stream is a POST of its input asking for Server-Sent Events', () => {
    expect(streamRequest('chat.turn', { sessionId: 's' }, 't')).toEqual({
      method: 'POST',
      path: '/api/chat/turn',
      headers: { accept: 'text/event-stream', 'content-type': 'application/json', authorization: 'Bearer t' },
      body: '{"sessionId":"s"}'
    })
  })
})

describe('restAnswer and parseOutput: reading what came back', () => {
  test('a 2xx is its JSON; an empty body is undefined', () => {
    expect(restAnswer(201, '{"id":"a"}')).toEqual({ ok: true, body: { id: 'a' } })
    expect(restAnswer(204, '')).toEqual({ ok: true, body: undefined })
  })
  test('a failure in the JSON error shape carries the server error, with its message code', () => {
    const body = { error: { code: 'not_found', message: 'No agent with id x', reason: 'not_found', params: { id: 'x' } } }
    expect(restAnswer(404, JSON.stringify(body))).toEqual({ ok: false, error: body.error })
  })
  test('a failure that is not ours (a proxy page, foreign JSON) has no error: the status tells the story', () => {
    expect(restAnswer(502, '<html>Bad gateway</html>')).toEqual({ ok: false })
    expect(restAnswer(500, '{"error":"boom"}')).toEqual({ ok: false })
    expect(restAnswer(400, '{"error":{"code":"teapot","message":"no"}}')).toEqual({ ok: false })
  })
  test('an answer is checked against the endpoint output schema', () => {
    expect(parseOutput('providers.delete', { ok: true })).toEqual({ ok: true, data: { ok: true } })
    expect(parseOutput('providers.delete', { nope: 1 })).toMatchObject({ ok: false, issue: expect.any(String) })
  })
})
