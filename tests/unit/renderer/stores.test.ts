import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createApi } from '../../../src-renderer/src/api/client'
import { httpTransport } from '../../../src-renderer/src/api/http'
import { socketEvents } from '../../../src-renderer/src/api/socket'
import { ApiError } from '../../../src-renderer/src/api/errors'
import { createCollectionStore } from '../../../src-renderer/src/stores/collection'
import { createProvidersStore } from '../../../src-renderer/src/stores/providers'
import { appInfoQuery, loadSettings, serverStatusQuery, settingsQuery, updateSettings } from '../../../src-renderer/src/queries/settings'
import { createStudio } from '../../../src-renderer/src/stores/studio'
import { bootServer, type BootedServer } from '../../utils/boot'
import { startFakeLlm, type FakeLlm } from '../../utils/fake-llm'

let srv: BootedServer
let llm: FakeLlm
const api = () => createApi(httpTransport(srv.url, { token: srv.token }))

beforeAll(async () => {
  ;[srv, llm] = await Promise.all([bootServer(), startFakeLlm({ apiKey: 'sk-fake-0123456789' })])
})
afterAll(() => Promise.all([srv.close(), llm.close()]))

describe('providers store', () => {
  test('loads, creates, refreshes models and removes them with their provider', async () => {
    const store = createProvidersStore(api())
    expect(store.getState()).toMatchObject({ loaded: false, items: [] })
    await store.getState().load()
    expect(store.getState()).toMatchObject({ loaded: true, loading: false, error: null })

    const p = await store.getState().create({ name: 'Fake', baseUrl: llm.baseUrl, apiKey: 'sk-fake-0123456789' })
    expect(store.getState().items).toEqual([p])
    expect(p.apiKeyHint).toBe('sk-…6789')

    await expect(store.getState().test(p.id)).resolves.toMatchObject({ ok: true, modelCount: 3 })
    const r = await store.getState().refreshModels(p.id)
    expect(r.added).toBe(3)
    expect(
      store
        .getState()
        .models.map((m) => `${m.modelId}:${m.type}`)
        .sort()
    ).toEqual(['fake-chat:chat', 'fake-embed:embedding', 'fake-rerank:rerank'])

    const chat = store.getState().models.find((m) => m.modelId === 'fake-chat')!
    await store.getState().setModelType(chat.id, 'tts')
    expect(store.getState().models.find((m) => m.id === chat.id)?.type).toBe('tts')

    await store.getState().remove(p.id)
    expect(store.getState().items).toEqual([])
    expect(store.getState().models).toEqual([])
  })

  test('a wrong key is a failed test result, not a thrown error', async () => {
    const store = createProvidersStore(api())
    const p = await store.getState().create({ name: 'Bad key', baseUrl: llm.baseUrl, apiKey: 'sk-wrong-key-000' })
    const result = await store.getState().test(p.id)
    expect(result.ok).toBe(false)
    expect(result.error?.message).toBeTruthy()
    await store.getState().remove(p.id)
  })

  test('surfaces errors: mutations reject with field issues, loads keep the error in state', async () => {
    const store = createProvidersStore(api())
    const err = (await store
      .getState()
      .create({ name: 'x', baseUrl: 'not a url' })
      .catch((e: unknown) => e)) as ApiError
    expect(err).toBeInstanceOf(ApiError)
    expect(err.issues[0]?.path).toBe('baseUrl')
    expect(store.getState().items).toEqual([])

    const locked = createProvidersStore(createApi(httpTransport(srv.url, { token: 'wrong' })))
    await locked.getState().load()
    expect(locked.getState()).toMatchObject({ loaded: false, loading: false, error: { code: 'unauthorized', status: 401 } })
  })
})

describe('collection and settings stores', () => {
  test('agents: create, update in place, remove', async () => {
    const store = createCollectionStore(api(), 'agents')
    const a = await store.getState().create({ name: 'Guide', quickPhrases: ['Hi'] })
    const b = await store.getState().create({ name: 'Clerk' })
    await store.getState().update(a.id, { description: 'Shows the way' })
    expect(store.getState().items.map((x) => [x.name, x.description])).toEqual([
      ['Guide', 'Shows the way'],
      ['Clerk', '']
    ])
    await store.getState().remove(a.id)
    await store.getState().remove(b.id)
    expect(store.getState().items).toEqual([])
  })

  test('settings: loads settings, app info and server status; updates persist', async () => {
    const studio = createStudio({ api: api(), events: () => () => {}, host: 'browser' })
    await loadSettings(studio)
    expect(studio.queries.getQueryData(appInfoQuery(studio.connection.api).queryKey)).toMatchObject({ host: 'server', dataDir: srv.dataDir })
    expect(studio.queries.getQueryData(serverStatusQuery(studio.connection.api).queryKey)).toMatchObject({ running: true, url: srv.url })
    await updateSettings(studio, { language: 'en', theme: 'dark' })
    const again = createStudio({ api: api(), events: () => () => {}, host: 'browser' })
    await loadSettings(again)
    expect(again.queries.getQueryData(settingsQuery(again.connection.api).queryKey)).toMatchObject({ language: 'en', theme: 'dark' })
  })

  test('settings: a failed load rejects, so Boot shows why instead of the shell', async () => {
    const locked = createStudio({ api: createApi(httpTransport(srv.url, { token: 'wrong' })), events: () => () => {}, host: 'browser' })
    await expect(loadSettings(locked)).rejects.toMatchObject({ code: 'unauthorized', status: 401 })
  })
})

describe('studio events over Socket.IO', () => {
  test('a change made by another client refreshes the matching store', async () => {
    const studio = createStudio({ api: api(), events: socketEvents(srv.url, { token: srv.token }), host: 'browser' })
    const stop = studio.listen()
    try {
      await studio.tools.getState().load()
      // The socket connects asynchronously; keep poking until an event has landed.
      await expect
        .poll(
          async () => {
            await srv.api('PUT', '/api/settings', { theme: 'light' })
            return studio.queries.getQueryData(settingsQuery(studio.connection.api).queryKey)?.theme
          },
          { timeout: 5000, interval: 100 }
        )
        .toBe('light')
      // Disabled: an enabled server would be connected to by the core's MCP manager.
      const made = await srv.api('POST', '/api/tools', { name: 'Remote', enabled: false, config: { transport: 'stdio', command: 'node' } })
      expect(made.status).toBe(201)
      await expect.poll(() => studio.tools.getState().items.map((t) => t.name), { timeout: 5000 }).toEqual(['Remote'])
    } finally {
      stop()
    }
  })

  test('a refused token reports unauthorized once and stops reconnecting', async () => {
    let refused = 0
    const events = socketEvents(srv.url, { token: 'wrong', onUnauthorized: () => refused++ })
    const stop = events(() => {})
    await expect.poll(() => refused, { timeout: 5000 }).toBe(1)
    await new Promise((r) => setTimeout(r, 300))
    expect(refused).toBe(1)
    stop()
  })
})
