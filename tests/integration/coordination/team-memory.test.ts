import { describe, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import { bootRuntime } from '../../utils/boot'
import type { Runtime } from '../../../src-main/core/runtime'
import { teamOf } from './helpers'
import { until } from '../../utils/until'
import { dispatchSafe } from '../../../src-main/core/dispatch'
import { ownerContext } from '../../../src-main/core/context'

/**
 * Memory extraction on a team server: two runtimes ("processes") on one MariaDB database and one
 * Redis prefix, as two `agenta serve` behind one proxy. A person's turns on two sessions may end
 * on different processes at the same moment; their extractions must not both add the same fact.
 */
const team = teamOf(bootRuntime)

async function call(rt: Runtime, name: string, input: unknown): Promise<any> {
  const r = await dispatchSafe(rt, name, input, ownerContext())
  if (!r.ok) throw r.error
  return r.data
}

const isExtraction = (body: any) => String(body.messages?.[0]?.content ?? '').startsWith('You maintain the long-term memory')

describe('memory extraction across two processes', () => {
  it('two turns of one person ending together on different processes remember a fact once', async () => {
    const [a, b] = (await team.pair()).map((p) => p.runtime)
    const provider = await call(a, 'providers.create', { name: `Fake ${randomBytes(3).toString('hex')}`, baseUrl: team.llm.baseUrl })
    const agent = await call(a, 'agents.create', { name: 'Barista', providerId: provider.id, model: 'fake-chat', memory: { enabled: true, shared: false } })
    let extractions = 0
    team.llm.onChat((body) => {
      if (!isExtraction(body)) return { text: 'Noted.' }
      extractions++
      // Slow enough that, without a shared lock, both extractions read the memories before either writes.
      return { text: '{"operations":[{"op":"add","text":"Drinks green tea every morning"}]}', firstTokenDelayMs: 400 }
    })
    const s1 = await a.chat.sessions.create({ agentId: agent.id, userId: 'mei', title: 'One' })
    const s2 = await b.chat.sessions.create({ agentId: agent.id, userId: 'mei', title: 'Two' })
    const [t1, t2] = await Promise.all([
      a.chat.startTurn({ sessionId: s1.id, message: 'I drink green tea every morning' }),
      b.chat.startTurn({ sessionId: s2.id, message: 'Green tea every morning for me' })
    ])
    expect((await t1.done).status).toBe('ok')
    expect((await t2.done).status).toBe('ok')
    await Promise.all([a.memory.idle(), b.memory.idle()])
    expect(extractions).toBe(2)
    const remembered = await a.memory.list({ userId: 'mei' })
    expect(remembered.map((m) => m.text)).toEqual(['Drinks green tea every morning'])
  })

  it('"forget me" on one process while the other is still learning: nothing comes back afterwards', async () => {
    const [a, b] = (await team.pair()).map((p) => p.runtime)
    const provider = await call(a, 'providers.create', { name: `Fake ${randomBytes(3).toString('hex')}`, baseUrl: team.llm.baseUrl })
    const agent = await call(a, 'agents.create', { name: 'Concierge', providerId: provider.id, model: 'fake-chat', memory: { enabled: true, shared: false } })
    let extracting = false
    team.llm.onChat((body) => {
      if (!isExtraction(body)) return { text: 'Sure.' }
      extracting = true
      return { text: '{"operations":[{"op":"add","text":"Lives in Hangzhou"}]}', firstTokenDelayMs: 800 }
    })
    const s1 = await a.chat.sessions.create({ agentId: agent.id, userId: 'lin', title: 'One' })
    const turn = await a.chat.startTurn({ sessionId: s1.id, message: 'I live in Hangzhou' })
    expect((await turn.done).status).toBe('ok')
    await until(() => extracting, 'the extraction to start')
    // Asked of B while A's extraction waits for the model.
    await call(b, 'memories.forget', { userId: 'lin' })
    await a.memory.idle()
    expect(await b.memory.list({ userId: 'lin' })).toEqual([])
  })
})
