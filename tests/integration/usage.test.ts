// The usage page's endpoint (issue 15, "what newcomers expect"): turns, tokens and cost per day,
// agent and model, from the turn traces on a real SQLite file.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { bootServer, type BootedServer } from '../utils/boot'
import { startFakeLlm, type FakeLlm } from '../utils/fake-llm'

const API_KEY = 'sk-test-usage-0000'
let srv: BootedServer
let llm: FakeLlm
let providerId: string
const agents: Record<string, { id: string; uuid: string }> = {}

const H = 3_600_000
// 2026-03-10 00:00 UTC; Asia/Shanghai is UTC+8.
const T0 = Date.UTC(2026, 2, 10)

/** A traced model call as a turn leaves it, at a chosen time. */
async function step(agent: string, model: string, runId: string, at: number, tin: number, tout: number) {
  const sessionId = `sess-${agent}`
  const db = srv.runtime.store.db
  const exists = await db.selectFrom('chat_sessions').select('id').where('id', '=', sessionId).executeTakeFirst()
  if (!exists)
    await db
      .insertInto('chat_sessions')
      .values({ id: sessionId, agent_id: agents[agent].id, user_id: 'studio', title: '', created_at: at, updated_at: at })
      .execute()
  await db
    .insertInto('run_steps')
    .values({
      id: `${runId}-${at}`,
      run_id: runId,
      session_id: sessionId,
      kind: 'model',
      name: model,
      input: '',
      output: '',
      error: null,
      tokens_in: tin,
      tokens_out: tout,
      started_at: at,
      ended_at: at + 1
    })
    .execute()
}

beforeAll(async () => {
  ;[srv, llm] = await Promise.all([bootServer(), startFakeLlm({ apiKey: API_KEY })])
  providerId = (await srv.api('POST', '/api/providers', { name: 'Fake LLM', baseUrl: llm.baseUrl, apiKey: API_KEY })).body.id
  await srv.api('POST', `/api/providers/${providerId}/refresh-models`)
  for (const name of ['Desk', 'Analyst']) agents[name] = (await srv.api('POST', '/api/agents', { name, providerId, model: 'fake-chat' })).body
})
afterAll(async () => {
  await Promise.all([srv?.close(), llm?.close()])
})

describe('usage.get', () => {
  test('a real turn shows up with the tokens the provider reported', async () => {
    const before = Date.now()
    const res = await srv.api('POST', '/v1/chat/completions', { model: agents.Desk.uuid, messages: [{ role: 'user', content: 'hello there' }] })
    expect(res.status).toBe(200)
    const report = (await srv.api('GET', `/api/usage?from=${before - 1000}&to=${Date.now() + 1000}`)).body
    expect(report.totals).toMatchObject({ turns: 1, cost: null, costPartial: false })
    expect(report.totals.tokensIn).toBe(res.body.usage.prompt_tokens)
    expect(report.totals.tokensOut).toBe(res.body.usage.completion_tokens)
    expect(report.byAgent).toEqual([expect.objectContaining({ agentId: agents.Desk.id, agentName: 'Desk', turns: 1 })])
    expect(report.byModel).toEqual([expect.objectContaining({ model: 'fake-chat', priced: false })])
  })

  test('per day in the asked time zone, per agent and per model; a turn of two calls counts once', async () => {
    // Desk: one turn of two model calls at 20:00 and 20:01 UTC on the 10th (the 11th in Shanghai).
    await step('Desk', 'gpt-x', 'run-a', T0 + 20 * H, 100, 10)
    await step('Desk', 'gpt-x', 'run-a', T0 + 20 * H + 60_000, 150, 20)
    // Analyst: a turn on the 10th at 03:00 UTC with another model, one on the 12th.
    await step('Analyst', 'qwen-y', 'run-b', T0 + 3 * H, 1000, 500)
    await step('Analyst', 'gpt-x', 'run-c', T0 + 2 * 24 * H + 3 * H, 10, 5)

    const utc = (await srv.api('GET', `/api/usage?from=${T0}&to=${T0 + 3 * 24 * H}&timezone=UTC`)).body
    expect(utc.days).toEqual(['2026-03-10', '2026-03-11', '2026-03-12'])
    expect(utc.totals).toMatchObject({ turns: 3, tokensIn: 1260, tokensOut: 535 })
    const at = (r: { day: string; model: string }) => `${r.day} ${r.model}`
    expect(utc.series.map(at).sort()).toEqual(['2026-03-10 gpt-x', '2026-03-10 qwen-y', '2026-03-12 gpt-x'])
    expect(utc.series.find((r: { model: string; day: string }) => r.model === 'gpt-x' && r.day === '2026-03-10')).toMatchObject({
      agentId: agents.Desk.id,
      turns: 1,
      tokensIn: 250,
      tokensOut: 30
    })
    expect(utc.byModel.map((m: { model: string; turns: number }) => [m.model, m.turns])).toEqual([
      ['qwen-y', 1],
      ['gpt-x', 2]
    ])

    const shanghai = (await srv.api('GET', `/api/usage?from=${T0 - 8 * H}&to=${T0 + 3 * 24 * H - 8 * H}&timezone=Asia/Shanghai`)).body
    expect(shanghai.series.map(at).sort()).toEqual(['2026-03-10 qwen-y', '2026-03-11 gpt-x', '2026-03-12 gpt-x'])

    const analyst = (await srv.api('GET', `/api/usage?from=${T0}&to=${T0 + 3 * 24 * H}&agentId=${agents.Analyst.id}`)).body
    expect(analyst.totals).toMatchObject({ turns: 2, tokensIn: 1010 })
  })

  test('cost where prices are entered; a lower bound when some models have none', async () => {
    const prices = await srv.api('PUT', '/api/usage/prices', { currency: 'CNY', models: { 'gpt-x': { input: 2, output: 8 } } })
    expect(prices.status).toBe(200)
    expect((await srv.api('GET', '/api/usage/prices')).body).toEqual({ currency: 'CNY', models: { 'gpt-x': { input: 2, output: 8 } } })
    const r = (await srv.api('GET', `/api/usage?from=${T0}&to=${T0 + 3 * 24 * H}`)).body
    expect(r.currency).toBe('CNY')
    // gpt-x: (260 in × 2 + 35 out × 8) / 1M
    expect(r.totals.cost).toBeCloseTo((260 * 2 + 35 * 8) / 1e6, 12)
    expect(r.totals.costPartial).toBe(true)
    expect(r.byModel.find((m: { model: string }) => m.model === 'qwen-y')).toMatchObject({ priced: false, cost: null })
  })

  test('bad ranges and zones are 422 with the field named', async () => {
    const bad = [`from=${T0}&to=${T0}`, `from=${T0}&to=${T0 + 400 * 24 * H}`, `from=${T0}&to=${T0 + H}&timezone=Mars/Olympus`, `from=x&to=1`, 'to=5']
    for (const q of bad) {
      const res = await srv.api('GET', `/api/usage?${q}`)
      expect(res.status, q).toBe(422)
      expect(res.body.error.code).toBe('validation_failed')
    }
    expect((await srv.api('PUT', '/api/usage/prices', { models: { m: { input: -1, output: 1 } } })).status).toBe(422)
  })
})
