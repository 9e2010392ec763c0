// Issue 16: one model lookup. Naming a model that is gone, or one of another kind, is the same
// fault wherever a model is named: a 422 on that field with the code the studio translates.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { bootServer, type BootedServer } from '../utils/boot'
import { startFakeLlm, type FakeLlm } from '../utils/fake-llm'

let srv: BootedServer
let llm: FakeLlm
let byName: Record<string, string>

beforeAll(async () => {
  llm = await startFakeLlm({
    models: [
      { id: 'fake-chat', type: 'chat' },
      { id: 'fake-embed', type: 'embedding' }
    ]
  })
  srv = await bootServer()
  const provider = (await srv.api('POST', '/api/providers', { name: 'Fake', baseUrl: llm.baseUrl })).body
  await srv.api('POST', `/api/providers/${provider.id}/refresh-models`)
  const models = (await srv.api('GET', '/api/models')).body as Array<{ id: string; modelId: string }>
  byName = Object.fromEntries(models.map((m) => [m.modelId, m.id]))
})

afterAll(async () => {
  await srv?.close()
  await llm?.close()
})

describe('a knowledge base names its embedding model', () => {
  test('a chat model or no model at all is refused on embeddingModelId, with the shared codes', async () => {
    const wrong = await srv.api('POST', '/api/knowledge-bases', { name: 'Guide', embeddingModelId: byName['fake-chat'] })
    expect(wrong.status).toBe(422)
    expect(wrong.body.error.fields).toMatchObject([{ path: 'embeddingModelId', code: 'model_wrong_type', params: { type: 'chat', wanted: 'embedding' } }])
    const missing = await srv.api('POST', '/api/knowledge-bases', { name: 'Guide', embeddingModelId: 'nope' })
    expect(missing.status).toBe(422)
    expect(missing.body.error.fields).toMatchObject([{ path: 'embeddingModelId', code: 'no_model', params: { id: 'nope' } }])
    expect((await srv.api('POST', '/api/knowledge-bases', { name: 'Guide', embeddingModelId: byName['fake-embed'] })).status).toBe(201)
  })
})
