import { describe, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import OpenAI from 'openai'
import { bootServer, type BootedServer } from '../../utils/boot'
import { REDIS_URL, teamOf } from './helpers'
import { until } from '../../utils/until'
import { redisCoordination } from '../../../src-main/core/coordination'
import { IdempotencyKeys } from '../../../src-main/server/openai/idempotency'
import { redisRecordings } from '../../../src-main/server/openai/recordings-redis'

/**
 * /v1's Idempotency-Key on a team server: two servers ("processes") on one MariaDB database and one
 * Redis prefix, as two `agenta serve` behind one proxy. A client's retry may land on the other
 * process: it must get the first request's answer, and the agent's turn must run once.
 */
const team = teamOf(bootServer)

const chatRequests = () => team.llm.requests.filter((r) => r.path === '/v1/chat/completions')

async function agentOn(s: BootedServer) {
  const provider = await s.api('POST', '/api/providers', { name: `Fake ${randomBytes(3).toString('hex')}`, baseUrl: team.llm.baseUrl })
  expect(provider.status).toBe(201)
  const agent = await s.api('POST', '/api/agents', { name: 'Clerk', providerId: provider.body.id, model: 'fake-chat' })
  expect(agent.status).toBe(201)
  return agent.body
}

describe('/v1 Idempotency-Key across two processes', () => {
  it('a retry on the other process gets the first answer, live while it runs and after; the turn runs once', async () => {
    const [a, b] = await team.pair()
    const agent = await agentOn(a)
    const client = (s: BootedServer) => new OpenAI({ baseURL: `${s.url}/v1`, apiKey: s.token, maxRetries: 0 })
    team.llm.script({ text: 'Only once.', firstTokenDelayMs: 500 })
    const ask = (s: BootedServer, key: string, content = 'once?') =>
      client(s).chat.completions.create({ model: agent.uuid, messages: [{ role: 'user', content }] }, { headers: { 'Idempotency-Key': key } })
    const first = ask(a, 'team-k1')
    // The retry reaches B while A's turn is still waiting for the model.
    await until(() => chatRequests().length === 1, "A's turn to reach the model")
    const [one, two] = await Promise.all([first, ask(b, 'team-k1')])
    const three = await ask(b, 'team-k1')
    expect(one.choices[0].message.content).toBe('Only once.')
    expect(two).toEqual(one)
    expect(three).toEqual(one)
    expect(chatRequests()).toHaveLength(1)

    // A stream replays on the other process too, frame for frame.
    team.llm.script({ chunks: ['a ', 'b ', 'c'], chunkDelayMs: 100 })
    const stream = async (s: BootedServer) => {
      const it = await client(s).chat.completions.create(
        { model: agent.uuid, messages: [{ role: 'user', content: 'stream' }], stream: true },
        { headers: { 'Idempotency-Key': 'team-k2' } }
      )
      let text = ''
      for await (const ch of it) text += ch.choices[0]?.delta.content ?? ''
      return text
    }
    const live = stream(a)
    await until(() => chatRequests().length === 2, "A's stream to reach the model")
    expect(await Promise.all([live, stream(b)])).toEqual(['a b c', 'a b c'])
    expect(await stream(b)).toBe('a b c')
    expect(chatRequests()).toHaveLength(2)

    // The same key for another request is refused on the other process as well.
    const reused = await b.api(
      'POST',
      '/v1/chat/completions',
      { model: agent.uuid, messages: [{ role: 'user', content: 'something else' }] },
      { headers: { 'idempotency-key': 'team-k1' } }
    )
    expect(reused.status).toBe(400)
    expect(reused.body.error.code).toBe('idempotency_key_reused')
    expect(chatRequests()).toHaveLength(2)
  })

  it('a process killed mid-turn: the retry waiting on the other one is answered (no answer) once its heartbeat lapses, not after the hour', async () => {
    const prefix = `agenta-test-${randomBytes(4).toString('hex')}:`
    const [ca, cb] = [redisCoordination({ url: REDIS_URL, prefix }), redisCoordination({ url: REDIS_URL, prefix })]
    const [ra, rb] = [redisRecordings(ca.redis!, { aliveMs: 300 }), redisRecordings(cb.redis!, { aliveMs: 300 })]
    try {
      const [a, b] = [new IdempotencyKeys(3600_000, 500, ra), new IdempotencyKeys(3600_000, 500, rb)]
      const first = await a.claim('studio', 'k-dead', { q: 1 })
      expect(first.first).toBe(true)
      first.recording.frame({ n: 1 })
      const retry = await b.claim('studio', 'k-dead', { q: 1 })
      expect(retry.first).toBe(false)
      // Still running: the retry sees the frames so far and keeps waiting. A wait longer than the
      // heartbeat's 300 ms is the behaviour under test: A's renewals keep the recording alive.
      await new Promise((r) => setTimeout(r, 500))
      expect(retry.recording.frames).toEqual([{ n: 1 }])
      expect(retry.recording.ended).toBe(false)
      // A's process dies: nothing renews its heartbeat.
      await ra.close()
      await until(() => retry.recording.ended, 'the retry to see the recording end')
      expect(retry.recording.answer).toBeUndefined()
    } finally {
      await Promise.all([ra.close(), rb.close()])
      await Promise.all([ca.close(), cb.close()])
    }
  })
})
