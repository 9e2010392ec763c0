// A newcomer's first steps over REST (issue 15): the first-run status ticks from real state, local
// model servers are found (a fake stands in for Ollama; a port where nothing listens is skipped
// quickly), and every agent template makes its agent with what it needs, in both languages.
import { createServer } from 'node:net'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { bootServer, type BootedServer } from '../utils/boot'
import { startFakeLlm, type FakeLlm } from '../utils/fake-llm'

let srv: BootedServer
let llm: FakeLlm
let closedPort: number

/** A port that was free a moment ago: nothing listens there. */
async function freePort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  const port = (s.address() as { port: number }).port
  await new Promise((r) => s.close(r))
  return port
}

beforeAll(async () => {
  llm = await startFakeLlm()
  closedPort = await freePort()
  srv = await bootServer({
    localModelServers: [
      { kind: 'ollama', name: 'Ollama', baseUrl: llm.baseUrl },
      { kind: 'lmstudio', name: 'LM Studio', baseUrl: `http://127.0.0.1:${closedPort}/v1` }
    ]
  })
})

afterAll(async () => {
  await srv?.close()
  await llm?.close()
})

describe('first run', () => {
  test('the status counts chat models, agents and answers as they appear', async () => {
    expect((await srv.api('GET', '/api/first-run')).body).toEqual({ chatModels: 0, agents: 0, answers: 0 })

    const found = (await srv.api('GET', '/api/local-model-servers')).body
    expect(found).toEqual([{ kind: 'ollama', name: 'Ollama', baseUrl: llm.baseUrl, models: expect.arrayContaining(['fake-chat']), providerId: null }])

    const provider = (await srv.api('POST', '/api/providers', { name: 'Ollama', kind: 'ollama', baseUrl: llm.baseUrl })).body
    await srv.api('POST', `/api/providers/${provider.id}/refresh-models`)
    expect((await srv.api('GET', '/api/local-model-servers')).body[0].providerId).toBe(provider.id)
    expect((await srv.api('GET', '/api/first-run')).body.chatModels).toBeGreaterThan(0)

    const agent = (await srv.api('POST', '/api/agents', { name: 'First' })).body
    expect((await srv.api('GET', '/api/first-run')).body).toMatchObject({ agents: 1, answers: 0 })
    const session = (await srv.api('POST', '/api/sessions', { agentId: agent.id })).body
    const res = await fetch(`${srv.url}/api/chat/turn`, {
      method: 'POST',
      headers: { authorization: `Bearer ${srv.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ sessionId: session.id, message: 'hello' })
    })
    await res.text()
    expect((await srv.api('GET', '/api/first-run')).body).toMatchObject({ agents: 1, answers: 1 })
  })
})

describe('agent templates', () => {
  test('are listed with names in both languages', async () => {
    const list = (await srv.api('GET', '/api/agent-templates')).body
    expect(list.map((t: { id: string }) => t.id)).toEqual(['customer-service', 'data-analyst', 'daily-report', 'hall-guide'])
    for (const t of list) expect(Object.keys(t.texts).sort()).toEqual(['en', 'zh-CN'])
  })

  test('customer service: an agent bound to a new knowledge base, named in the language asked for', async () => {
    const res = await srv.api('POST', '/api/agent-templates/customer-service', { language: 'zh-CN' })
    expect(res.status).toBe(201)
    expect(res.body.agent).toMatchObject({ name: '智能客服', avatar: '🎧' })
    expect(res.body.agent.systemPrompt).toContain('知识库')
    expect((await srv.api('GET', `/api/agents/${res.body.agent.id}/knowledge-bases`)).body).toMatchObject([{ kbId: res.body.knowledgeBaseId }])
    expect((await srv.api('GET', `/api/knowledge-bases/${res.body.knowledgeBaseId}`)).body.name).toBe('客服资料')
    // Twice: a second agent with a free name, not a second "智能客服".
    expect((await srv.api('POST', '/api/agent-templates/customer-service', { language: 'zh-CN' })).body.agent.name).toBe('智能客服 (2)')
  })

  test('data analyst: bound to the chart and Excel tools when the studio has them, else says which are missing', async () => {
    const res = await srv.api('POST', '/api/agent-templates/data-analyst', { language: 'en' })
    expect(res.body.agent.name).toBe('Data analyst')
    // This test server ships no bundled MCP servers.
    expect(res.body.missingTools).toEqual(['chart', 'excel'])
    const chart = (await srv.api('POST', '/api/tools', { name: 'chart', config: { transport: 'stdio', command: 'agenta-mcp:chart', args: [], env: {} } })).body
    const again = await srv.api('POST', '/api/agent-templates/data-analyst', { language: 'en' })
    expect(again.body.missingTools).toEqual(['excel'])
    expect((await srv.api('GET', `/api/agents/${again.body.agent.id}/tools`)).body).toMatchObject([{ toolId: chart.id }])
  })

  test('daily report: a paused digital employee that runs the agent every morning', async () => {
    const res = await srv.api('POST', '/api/agent-templates/daily-report', { language: 'en' })
    const task = (await srv.api('GET', `/api/schedules/${res.body.scheduleId}`)).body
    expect(task).toMatchObject({ agentId: res.body.agent.id, enabled: false, schedule: { type: 'daily', time: '08:00' }, name: 'Daily report' })
  })

  test("hall guide: the agent with digital-human settings, in the studio's language by default", async () => {
    await srv.api('PUT', '/api/settings', { language: 'zh-CN' })
    const res = await srv.api('POST', '/api/agent-templates/hall-guide', {})
    expect(res.body.agent).toMatchObject({ name: '展厅讲解员', digitalHuman: { speed: 1 } })
    await srv.api('PUT', '/api/settings', { language: 'en' })
  })

  test('an unknown template is a 422 naming the field, not a 500', async () => {
    const res = await srv.api('POST', '/api/agent-templates/nope', {})
    expect(res.status).toBe(422)
    expect(res.body.error.fields[0]).toMatchObject({ path: 'templateId', code: 'invalid_value' })
  })
})
