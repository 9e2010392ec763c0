// The server's part of the newcomer defects (issue 15, items 4, 6, 14, 15, 16), over real HTTP.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { bootServer, type BootedServer } from '../utils/boot'
import { startFakeLlm, type FakeLlm } from '../utils/fake-llm'

const API_KEY = 'sk-test-newcomer-0000'
let srv: BootedServer
let llm: FakeLlm
let providerId: string

beforeAll(async () => {
  ;[srv, llm] = await Promise.all([bootServer(), startFakeLlm({ apiKey: API_KEY })])
  providerId = (await srv.api('POST', '/api/providers', { name: 'Fake LLM', baseUrl: llm.baseUrl, apiKey: API_KEY })).body.id
  await srv.api('POST', `/api/providers/${providerId}/refresh-models`)
})
afterAll(async () => {
  await Promise.all([srv?.close(), llm?.close()])
})

describe('15. a new agent without a model gets the only chat model', () => {
  test('one enabled chat model: it is the default', async () => {
    const created = await srv.api('POST', '/api/agents', { name: 'No model given' })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({ providerId, model: 'fake-chat' })
    // null says "no model, on purpose".
    expect((await srv.api('POST', '/api/agents', { name: 'On purpose', providerId: null, model: null })).body).toMatchObject({ providerId: null, model: null })
  })

  test('two chat models: none is picked; a named model is kept', async () => {
    const second = await srv.api('POST', '/api/models', { providerId, modelId: 'fake-chat-2', type: 'chat' })
    expect(second.status).toBe(201)
    expect((await srv.api('POST', '/api/agents', { name: 'Two to choose from' })).body).toMatchObject({ providerId: null, model: null })
    expect((await srv.api('POST', '/api/agents', { name: 'Named', providerId, model: 'fake-chat-2' })).body.model).toBe('fake-chat-2')
    // A disabled one does not count.
    await srv.api('PUT', `/api/models/${second.body.id}`, { enabled: false })
    expect((await srv.api('POST', '/api/agents', { name: 'Back to one' })).body.model).toBe('fake-chat')
    await srv.api('DELETE', `/api/models/${second.body.id}`)
  })
})
