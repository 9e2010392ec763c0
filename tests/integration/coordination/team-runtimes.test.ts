import { describe, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import { bootRuntime } from '../../utils/boot'
import type { Runtime } from '../../../src-main/core/runtime'
import { teamOf } from './helpers'
import { dispatchSafe } from '../../../src-main/core/dispatch'
import { ownerContext } from '../../../src-main/core/context'
import type { TurnEvent } from '../../../src-main/contract/chat'
import { until } from '../../utils/until'

/**
 * What one process kept to itself, checked with two runtimes ("processes") in this test process on
 * one MariaDB database, one data folder and one Redis key prefix — as two `agenta serve` share them.
 * (tests/cli/team.test.ts does the same with real processes for what needs one killed.)
 */
const team = teamOf(bootRuntime)

function gate() {
  let open!: () => void
  const opened = new Promise<void>((r) => (open = r))
  return { opened, open }
}

type Rt = Runtime

/** Through the one door every transport uses, so inputs get the contract's defaults. */
async function call(rt: Rt, name: string, input: unknown): Promise<any> {
  const r = await dispatchSafe(rt, name, input, ownerContext())
  if (!r.ok) throw r.error
  return r.data
}

async function agentOn(rt: Rt) {
  const provider = await call(rt, 'providers.create', { name: `Fake ${randomBytes(3).toString('hex')}`, baseUrl: team.llm.baseUrl })
  return call(rt, 'agents.create', { name: 'Clerk', providerId: provider.id, model: 'fake-chat' })
}

async function drain(events: AsyncIterable<TurnEvent>): Promise<TurnEvent[]> {
  const out: TurnEvent[] = []
  for await (const e of events) out.push(e)
  return out
}

describe('two runtimes on one MariaDB and Redis', () => {
  it('queue a second turn on a session behind the first one, whichever process each was asked of', async () => {
    const [a, b] = (await team.pair()).map((p) => p.runtime)
    const agent = await agentOn(a)
    const session = await a.chat.sessions.create({ agentId: agent.id, userId: 'u1', title: 'Shared' })
    const first = gate()
    let calls = 0
    team.llm.onChat(async () => {
      calls++
      if (calls === 1) {
        await first.opened
        return { text: 'first answer' }
      }
      return { text: 'second answer' }
    })
    const one = await a.chat.startTurn({ sessionId: session.id, message: 'one' })
    const oneEvents = drain(one.events)
    await until(() => calls === 1, 'the first turn to reach the model')
    const two = await b.chat.startTurn({ sessionId: session.id, message: 'two' })
    const twoEvents = drain(two.events)
    // In one process the second turn waits for the first; across processes it must too. Nothing
    // observable marks B waiting on the Redis lock, so B gets a window in which a turn that ignored
    // the lock would have reached the model.
    await new Promise((r) => setTimeout(r, 700))
    expect(calls).toBe(1)
    first.open()
    expect((await one.done).status).toBe('ok')
    expect((await two.done).status).toBe('ok')
    await Promise.all([oneEvents, twoEvents])
    // The second turn saw the first one's answer in its history.
    const history = team.llm.requests
      .filter((r) => r.path.endsWith('/chat/completions'))
      .at(-1)!
      .body.messages.map((m: { content: string }) => m.content)
    expect(history).toEqual(expect.arrayContaining(['one', 'first answer', 'two']))
    const messages = await b.chat.sessions.messages(session.id)
    expect(messages.map((m) => m.content)).toEqual(['one', 'first answer', 'two', 'second answer'])
  })

  it('answer 409 to "run now" while the task runs in the other process, show it running there, and stop it from there', async () => {
    const [a, b] = (await team.pair()).map((p) => p.runtime)
    const agent = await agentOn(a)
    const hold = gate()
    team.llm.onChat(async () => {
      await hold.opened
      return { text: 'report' }
    })
    const task = await call(a, 'schedules.create', {
      name: 'Report',
      agentId: agent.id,
      instruction: 'Write the report',
      schedule: { type: 'daily', time: '03:00' }
    })
    const run = await dispatchSafe(a, 'schedules.runNow', { id: task.id }, ownerContext())
    expect(run.ok).toBe(true)
    const again = await dispatchSafe(b, 'schedules.runNow', { id: task.id }, ownerContext())
    expect(again).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringMatching(/already running/) } })
    expect((await b.scheduler.get(task.id)).running).toBe(true)
    // Stop asked of B reaches the run in A.
    const stopped = await dispatchSafe(b, 'schedules.cancelRun', { id: task.id }, ownerContext())
    expect(stopped).toMatchObject({ ok: true, data: { status: 'cancelled', error: 'Stopped by the user' } })
    hold.open()
    await until(async () => !(await a.scheduler.get(task.id)).running, 'the task to be idle')
    // And once it is over, B may run it.
    team.llm.onChat(() => ({ text: 'report' }))
    const later = await dispatchSafe(b, 'schedules.runNow', { id: task.id, wait: true }, ownerContext())
    expect(later).toMatchObject({ ok: true, data: { status: 'ok' } })
  })

  it('fire a scheduled source sync once per slot across processes, and plan a schedule set through another one', async () => {
    const [a, b] = (await team.pair()).map((p) => p.runtime)
    const hits: number[] = []
    const api: Server = createServer((req, res) => {
      hits.push(Date.now())
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify([{ id: 1, text: 'Opening hours are 9 to 5' }]))
    })
    await new Promise<void>((r) => api.listen(0, '127.0.0.1', r))
    try {
      const url = `http://127.0.0.1:${(api.address() as { port: number }).port}/faq`
      const kb = await call(a, 'knowledgeBases.create', { name: 'FAQ' })
      const source = await call(a, 'knowledgeBases.createSource', { id: kb.id, name: 'FAQ', config: { kind: 'api', url, fields: ['text'], idField: 'id' } })
      // Scheduled (every second) through B; a third process starting now plans it from the database.
      await call(b, 'knowledgeBases.updateSource', { id: kb.id, sourceId: source.id, schedule: '* * * * * *' })
      await team.more()
      hits.length = 0
      await until(() => hits.length >= 6, 'six scheduled syncs')
      // One sync per slot (a second), not one per process: twice as many hits as seconds if both fired.
      const span = Math.floor((hits.at(-1)! - hits[0]) / 1000)
      expect(hits.length).toBeLessThanOrEqual(span + 2)
      // A learnt of the schedule set through B (the event bus): with B and the third gone it goes on alone.
      await team.close(1)
      await team.close(2)
      const before = hits.length
      await until(() => hits.length >= before + 2, 'syncs fired by A')
      await call(a, 'knowledgeBases.updateSource', { id: kb.id, sourceId: source.id, schedule: null })
    } finally {
      api.closeAllConnections()
      await new Promise((r) => api.close(r))
    }
  })
})
