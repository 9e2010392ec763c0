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

describe('4. a delete can say what goes with it: dependents.get', () => {
  test('agent: its digital employees and chats; knowledge base: the agents bound to it; model: its agents and tasks', async () => {
    const agent = (await srv.api('POST', '/api/agents', { name: 'Desk', providerId, model: 'fake-chat' })).body
    const task = (
      await srv.api('POST', '/api/schedules', { name: 'Morning report', instruction: 'Report', agentId: agent.id, schedule: { type: 'daily', time: '08:00' } })
    ).body
    await srv.api('POST', '/api/sessions', { agentId: agent.id, userId: 'u1' })
    const kb = (await srv.api('POST', '/api/knowledge-bases', { name: 'Handbook' })).body
    expect(kb.id).toBeTruthy()
    const bound = await srv.api('PUT', `/api/agents/${agent.id}/knowledge-bases`, { bindings: [{ kbId: kb.id }] })
    expect(bound.status).toBe(200)

    expect((await srv.api('GET', `/api/dependents/agent/${agent.id}`)).body).toEqual({
      agents: [],
      schedules: [{ id: task.id, name: 'Morning report' }],
      sessions: 1
    })
    expect((await srv.api('GET', `/api/dependents/knowledgeBase/${kb.id}`)).body).toEqual({
      agents: [{ id: agent.id, name: 'Desk' }],
      schedules: [],
      sessions: 0
    })
    const chatModel = ((await srv.api('GET', `/api/models?providerId=${providerId}&type=chat`)).body as Array<{ id: string; modelId: string }>).find(
      (m) => m.modelId === 'fake-chat'
    )!
    const users = (await srv.api('GET', `/api/dependents/model/${chatModel.id}`)).body
    expect(users.agents).toContainEqual({ id: agent.id, name: 'Desk' })

    // Bad input is a clear 4xx.
    expect((await srv.api('GET', `/api/dependents/planet/${agent.id}`)).status).toBe(422)
    expect((await srv.api('GET', '/api/dependents/agent/missing')).status).toBe(404)
  })

  test('deleting a model in use leaves its agents without a model, not with a dangling id', async () => {
    const model = (await srv.api('POST', '/api/models', { providerId, modelId: 'short-lived', type: 'chat' })).body
    const agent = (await srv.api('POST', '/api/agents', { name: 'User of short-lived', providerId, model: 'short-lived' })).body
    expect((await srv.api('GET', `/api/dependents/model/${model.id}`)).body.agents).toEqual([{ id: agent.id, name: 'User of short-lived' }])
    expect((await srv.api('DELETE', `/api/models/${model.id}`)).status).toBe(200)
    expect((await srv.api('GET', `/api/agents/${agent.id}`)).body).toMatchObject({ providerId: null, model: null })
  })
})

describe('16. a failed memory extraction is reported until one works', () => {
  test('memories.failures names the agent, user and error; a later extraction that works clears it', async () => {
    const agent = (await srv.api('POST', '/api/agents', { name: 'Learner', providerId, model: 'fake-chat', memory: { enabled: true, shared: false } })).body
    const session = (await srv.api('POST', '/api/sessions', { agentId: agent.id, userId: 'u-mem' })).body
    const turn = async (message: string) => {
      const handle = await srv.runtime.chat.startTurn({ sessionId: session.id, message, userId: 'u-mem' })
      expect((await handle.done).status).toBe('ok')
    }
    const failures = async () => (await srv.api('GET', '/api/memory-failures')).body as Array<{ agentId: string }>
    llm.onChat((body) => (JSON.stringify(body.messages).includes('long-term memory') ? { text: 'no JSON at all' } : { text: 'Noted.' }))
    await turn('I like green tea')
    await expect.poll(failures).toMatchObject([{ agentId: agent.id, userId: 'u-mem', message: expect.stringContaining('did not answer with JSON') }])
    llm.onChat((body) =>
      JSON.stringify(body.messages).includes('long-term memory') ? { text: '{"operations":[{"op":"add","text":"Likes green tea"}]}' } : { text: 'Noted.' }
    )
    await turn('Really, green tea')
    await expect.poll(failures).toEqual([])
    llm.onChat(null)
  })
})
