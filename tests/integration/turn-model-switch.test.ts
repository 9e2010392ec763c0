// Issue 15, in chat: another model for a turn (the agent keeps its own), and each answer saying
// which model gave it and how long the turn took.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { bootServer, type BootedServer } from '../utils/boot'
import { startFakeLlm, type FakeLlm } from '../utils/fake-llm'

let srv: BootedServer
let llm: FakeLlm
let agentId: string
let models: Array<{ id: string; modelId: string; type: string }>

async function turn(body: Record<string, unknown>) {
  const res = await fetch(`${srv.url}/api/chat/turn`, {
    method: 'POST',
    headers: { authorization: `Bearer ${srv.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body)
  })
  return { status: res.status, text: await res.text() }
}

beforeAll(async () => {
  llm = await startFakeLlm({
    models: [
      { id: 'fake-chat', type: 'chat' },
      { id: 'fake-big', type: 'chat' },
      { id: 'fake-embed', type: 'embedding' }
    ]
  })
  srv = await bootServer()
  const provider = (await srv.api('POST', '/api/providers', { name: 'Fake', baseUrl: llm.baseUrl })).body
  await srv.api('POST', `/api/providers/${provider.id}/refresh-models`)
  models = (await srv.api('GET', '/api/models')).body
  agentId = (await srv.api('POST', '/api/agents', { name: 'Switcher', providerId: provider.id, model: 'fake-chat' })).body.id
})

afterAll(async () => {
  await srv?.close()
  await llm?.close()
})

describe('a model for one turn', () => {
  test('the turn uses the chosen model; the answer names it and its time; the next turn is the agent’s again', async () => {
    const session = (await srv.api('POST', '/api/sessions', { agentId })).body
    const big = models.find((m) => m.modelId === 'fake-big')!
    llm.script({ text: 'From the big one.' })
    const first = await turn({ sessionId: session.id, message: 'hi', modelId: big.id })
    expect(first.text).toMatch(/"type":"done".*"model":"fake-big"/)
    expect(llm.requests.at(-1)?.body.model).toBe('fake-big')
    llm.script({ text: 'From the usual one.' })
    await turn({ sessionId: session.id, message: 'again' })
    expect(llm.requests.at(-1)?.body.model).toBe('fake-chat')

    const answers = (await srv.api('GET', `/api/sessions/${session.id}/messages`)).body.filter((m: { role: string }) => m.role === 'assistant')
    expect(answers.map((m: { meta: { model: string } }) => m.meta.model)).toEqual(['fake-big', 'fake-chat'])
    for (const a of answers) expect(a.meta.durationMs).toBeGreaterThanOrEqual(0)
    expect((await srv.api('GET', `/api/agents/${agentId}`)).body.model).toBe('fake-chat')
  })

  test('an embedding model or an unknown id is refused with the field named', async () => {
    const session = (await srv.api('POST', '/api/sessions', { agentId })).body
    const embed = models.find((m) => m.modelId === 'fake-embed')!
    const wrong = await turn({ sessionId: session.id, message: 'hi', modelId: embed.id })
    expect(wrong.status).toBe(422)
    expect(JSON.parse(wrong.text).error.fields).toMatchObject([{ path: 'modelId', code: 'model_wrong_type', params: { type: 'embedding', wanted: 'chat' } }])
    const unknown = await turn({ sessionId: session.id, message: 'hi', modelId: 'nope' })
    expect(JSON.parse(unknown.text).error.fields).toMatchObject([{ path: 'modelId', code: 'no_model' }])
  })
})
