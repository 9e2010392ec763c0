import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { createApi } from '../../../src-renderer/src/api/client'
import { ApiError } from '../../../src-renderer/src/api/errors'
import { httpTransport } from '../../../src-renderer/src/api/http'
import { ipcTransport } from '../../../src-renderer/src/api/ipc'
import { bootServer, type BootedServer } from '../../utils/boot'

describe('httpTransport against a real server', () => {
  let srv: BootedServer
  beforeAll(async () => {
    srv = await bootServer()
  })
  afterAll(() => srv.close())

  const apiWith = (token?: string, onUnauthorized = vi.fn()) => ({ api: createApi(httpTransport(srv.url, { token }), { onUnauthorized }), onUnauthorized })

  test('create (201), get by id, list with a query filter, update, delete', async () => {
    const { api } = apiWith(srv.token)
    const p = await api.call('providers.create', { name: 'Local', baseUrl: 'http://127.0.0.1:9/v1/', apiKey: 'sk-abcdefghijkl' })
    expect(p).toMatchObject({ name: 'Local', baseUrl: 'http://127.0.0.1:9/v1', hasApiKey: true, apiKeyHint: 'sk-…ijkl' })
    await expect(api.call('providers.get', { id: p.id })).resolves.toMatchObject({ id: p.id })

    await api.call('models.create', { providerId: p.id, modelId: 'm-chat' })
    await api.call('models.create', { providerId: p.id, modelId: 'm-embed', type: 'embedding' })
    const embeds = await api.call('models.list', { providerId: p.id, type: 'embedding' })
    expect(embeds.map((m) => m.modelId)).toEqual(['m-embed'])

    await expect(api.call('providers.update', { id: p.id, name: 'Renamed' })).resolves.toMatchObject({ name: 'Renamed' })
    await expect(api.call('providers.delete', { id: p.id })).resolves.toEqual({ ok: true })
    await expect(api.call('providers.list', {})).resolves.toEqual([])
  })

  test('sends JSON with same-origin credentials; GET has no body', async () => {
    const spy = vi.fn((url: string | URL | Request, init?: RequestInit) => fetch(url, init))
    const api = createApi(httpTransport(srv.url, { token: srv.token, fetch: spy as typeof fetch }))
    await api.call('agents.create', { name: 'Spy' })
    await api.call('agents.list', {})
    const [post, get] = spy.mock.calls.map((c) => c[1]!)
    expect(post).toMatchObject({ method: 'POST', credentials: 'same-origin', body: '{"name":"Spy"}' })
    expect((post.headers as Record<string, string>)['content-type']).toBe('application/json')
    expect(get).toMatchObject({ method: 'GET', credentials: 'same-origin', body: undefined })
  })

  test('{error} bodies become typed ApiErrors with code, message and status', async () => {
    const { api } = apiWith(srv.token)
    const missing = await api.call('agents.get', { id: 'nope' }).catch((e: unknown) => e)
    expect(missing).toBeInstanceOf(ApiError)
    expect(missing).toMatchObject({ code: 'not_found', status: 404 })
    expect((missing as ApiError).message).toMatch(/nope/)

    const invalid = (await api.call('providers.create', { name: ' ', baseUrl: 'ftp://x' }).catch((e: unknown) => e)) as ApiError
    expect(invalid).toMatchObject({ code: 'validation_failed', status: 422 })
    expect(invalid.issues.map((i) => i.path).sort()).toEqual(['baseUrl', 'name'])
  })

  test('401: a wrong or missing token is `unauthorized` and tells the app to ask for one', async () => {
    for (const token of ['wrong', undefined]) {
      const { api, onUnauthorized } = apiWith(token)
      await expect(api.call('settings.get', {})).rejects.toMatchObject({ code: 'unauthorized', status: 401 })
      expect(onUnauthorized).toHaveBeenCalledOnce()
    }
  })

  test('a missing path param is a bad request (ApiError 400) before anything is sent', async () => {
    const spy = vi.fn(fetch)
    const api = createApi(httpTransport(srv.url, { token: srv.token, fetch: spy }))
    await expect(api.call('agents.get', {} as never)).rejects.toMatchObject({ name: 'ApiError', code: 'bad_request', status: 400 })
    expect(spy).not.toHaveBeenCalled()
  })

  test('an unreachable server is an ApiError with status 0, not a bare TypeError', async () => {
    const api = createApi(httpTransport('http://127.0.0.1:9'))
    await expect(api.call('app.info', {})).rejects.toMatchObject({ name: 'ApiError', code: 'internal', status: 0 })
  })
})

describe('ipcTransport', () => {
  test('bridge values become data or ApiErrors with the status of their code', async () => {
    const bridge = {
      host: 'electron' as const,
      onEvent: () => () => {},
      stream: () => () => {},
      pathForFile: () => '',
      call: vi.fn(async (name: string) =>
        name === 'app.info'
          ? { ok: true as const, data: { name: 'Agenta Studio', version: '1.0.0', host: 'electron', dataDir: '/d', dbKind: 'sqlite' } }
          : { ok: false as const, error: { code: 'conflict' as const, message: 'in use', details: { issues: [{ path: 'name', message: 'taken' }] } } }
      )
    }
    const api = createApi(ipcTransport(bridge))
    await expect(api.call('app.info', {})).resolves.toMatchObject({ host: 'electron' })
    const err = (await api.call('agents.delete', { id: 'a' }).catch((e: unknown) => e)) as ApiError
    expect(err).toMatchObject({ code: 'conflict', status: 409, message: 'in use' })
    expect(err.issues).toEqual([{ path: 'name', message: 'taken' }])
    expect(bridge.call).toHaveBeenLastCalledWith('agents.delete', { id: 'a' })
  })
})
