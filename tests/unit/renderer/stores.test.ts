import { QueryObserver } from '@tanstack/react-query'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createApi } from '../../../src-renderer/src/api/client'
import { httpTransport } from '../../../src-renderer/src/api/http'
import { socketEvents } from '../../../src-renderer/src/api/socket'
import { ApiError } from '../../../src-renderer/src/api/errors'
import { apiQuery } from '../../../src-renderer/src/queries/api-query'
import {
  cachedItems,
  createItem,
  listQuery,
  reloadCollection,
  removeItem,
  updateItem,
  type CollectionName
} from '../../../src-renderer/src/queries/collections'
import { refreshModels, setModelType } from '../../../src-renderer/src/queries/models'
import { appInfoQuery, loadSettings, serverStatusQuery, settingsQuery, updateSettings } from '../../../src-renderer/src/queries/settings'
import { createStudio, type Studio } from '../../../src-renderer/src/stores/studio'
import { bootServer, type BootedServer } from '../../utils/boot'
import { startFakeLlm, type FakeLlm } from '../../utils/fake-llm'

let srv: BootedServer
let llm: FakeLlm
const api = () => createApi(httpTransport(srv.url, { token: srv.token }))

beforeAll(async () => {
  ;[srv, llm] = await Promise.all([bootServer(), startFakeLlm({ apiKey: 'sk-fake-0123456789' })])
})
afterAll(() => Promise.all([srv.close(), llm.close()]))

const studioOn = (a = api()) => createStudio({ api: a, events: () => () => {}, host: 'browser' })
const models = (studio: Studio) => studio.queries.getQueryData(apiQuery(studio.connection.api, 'models.list').queryKey) ?? []
const items = <C extends CollectionName>(studio: Studio, name: C) => cachedItems(studio.queries, name)

describe('providers and models', () => {
  test('loads, creates, refreshes models and removes them with their provider', async () => {
    const studio = studioOn()
    await Promise.all([reloadCollection(studio, 'providers'), studio.queries.fetchQuery(apiQuery(studio.connection.api, 'models.list'))])
    expect(studio.queries.getQueryState(listQuery(studio.connection.api, 'providers').queryKey)).toMatchObject({ status: 'success', error: null })

    const p = await createItem(studio, 'providers', { name: 'Fake', baseUrl: llm.baseUrl, apiKey: 'sk-fake-0123456789' })
    expect(items(studio, 'providers')).toEqual([p])
    expect(p.apiKeyHint).toBe('sk-…6789')

    await expect(studio.connection.api.call('providers.test', { id: p.id })).resolves.toMatchObject({ ok: true, modelCount: 3 })
    const r = await refreshModels(studio, p.id)
    expect(r.added).toBe(3)
    expect(
      models(studio)
        .map((m) => `${m.modelId}:${m.type}`)
        .sort()
    ).toEqual(['fake-chat:chat', 'fake-embed:embedding', 'fake-rerank:rerank'])

    const chat = models(studio).find((m) => m.modelId === 'fake-chat')!
    await setModelType(studio, chat.id, 'tts')
    expect(models(studio).find((m) => m.id === chat.id)?.type).toBe('tts')

    await removeItem(studio, 'providers', p.id)
    expect(items(studio, 'providers')).toEqual([])
    expect(models(studio)).toEqual([])
  })

  test('a wrong key is a failed test result, not a thrown error', async () => {
    const studio = studioOn()
    const p = await createItem(studio, 'providers', { name: 'Bad key', baseUrl: llm.baseUrl, apiKey: 'sk-wrong-key-000' })
    const result = await studio.connection.api.call('providers.test', { id: p.id })
    expect(result.ok).toBe(false)
    expect(result.error?.message).toBeTruthy()
    await removeItem(studio, 'providers', p.id)
  })

  test('surfaces errors: mutations reject with field issues, loads keep the error on the query', async () => {
    const studio = studioOn()
    await reloadCollection(studio, 'providers')
    const err = (await createItem(studio, 'providers', { name: 'x', baseUrl: 'not a url' }).catch((e: unknown) => e)) as ApiError
    expect(err).toBeInstanceOf(ApiError)
    expect(err.issues[0]?.path).toBe('baseUrl')
    expect(items(studio, 'providers')).toEqual([])

    const locked = studioOn(createApi(httpTransport(srv.url, { token: 'wrong' })))
    await reloadCollection(locked, 'providers')
    const state = locked.queries.getQueryState(listQuery(locked.connection.api, 'providers').queryKey)
    expect(state).toMatchObject({ status: 'error', data: undefined, error: { code: 'unauthorized', status: 401 } })
  })
})

describe('collections and settings', () => {
  test('agents: create, update in place, remove', async () => {
    const studio = studioOn()
    await reloadCollection(studio, 'agents')
    const a = await createItem(studio, 'agents', { name: 'Guide', quickPhrases: ['Hi'] })
    const b = await createItem(studio, 'agents', { name: 'Clerk' })
    await updateItem(studio, 'agents', a.id, { description: 'Shows the way' })
    expect(items(studio, 'agents').map((x) => [x.name, x.description])).toEqual([
      ['Guide', 'Shows the way'],
      ['Clerk', '']
    ])
    await removeItem(studio, 'agents', a.id)
    await removeItem(studio, 'agents', b.id)
    expect(items(studio, 'agents')).toEqual([])
  })

  test('settings: loads settings, app info and server status; updates persist', async () => {
    const studio = studioOn()
    await loadSettings(studio)
    expect(studio.queries.getQueryData(appInfoQuery(studio.connection.api).queryKey)).toMatchObject({ host: 'server', dataDir: srv.dataDir })
    expect(studio.queries.getQueryData(serverStatusQuery(studio.connection.api).queryKey)).toMatchObject({ running: true, url: srv.url })
    await updateSettings(studio, { language: 'en', theme: 'dark' })
    const again = studioOn()
    await loadSettings(again)
    expect(again.queries.getQueryData(settingsQuery(again.connection.api).queryKey)).toMatchObject({ language: 'en', theme: 'dark' })
  })

  test('settings: a failed load rejects, so Boot shows why instead of the shell', async () => {
    const locked = studioOn(createApi(httpTransport(srv.url, { token: 'wrong' })))
    await expect(loadSettings(locked)).rejects.toMatchObject({ code: 'unauthorized', status: 401 })
  })
})

describe('studio events over Socket.IO', () => {
  test('a change made by another client refreshes the matching query', async () => {
    const studio = createStudio({ api: api(), events: socketEvents(srv.url, { token: srv.token }), host: 'browser' })
    const stop = studio.listen()
    let unwatch = () => {}
    try {
      // A screen showing the tools: invalidation refetches what is on screen.
      const shown = new QueryObserver(studio.queries, listQuery(studio.connection.api, 'tools'))
      unwatch = shown.subscribe(() => {})
      await reloadCollection(studio, 'tools')
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
      await expect.poll(() => items(studio, 'tools').map((t) => t.name), { timeout: 5000 }).toEqual(['Remote'])
    } finally {
      unwatch()
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
