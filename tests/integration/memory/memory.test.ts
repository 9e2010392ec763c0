import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { captureLog } from '../../utils/log-capture'
import { bootServer, type BootedServer } from '../../utils/boot'
import { startFakeLlm, type FakeLlm, type RecordedRequest } from '../../utils/fake-llm'
import { AgentCreate, type Agent } from '../../../src-main/contract/entities'
import type { TurnEvent } from '../../../src-main/contract/chat'
import { MEMORY_HEADING } from '../../../src-main/core/memory/memory-service'
import { EXTRACTION_PROMPT } from '../../../src-main/core/memory/extract'

/**
 * Long-term memory through real turns: the fake model answers the chat (streamed) and, scripted
 * separately, the extraction call (not streamed) with JSON operations.
 */
let s: BootedServer
let llm: FakeLlm
let agent: Agent
let providerId: string
const extractions: string[] = []

beforeAll(async () => {
  llm = await startFakeLlm()
  s = await bootServer()
  providerId = (await s.runtime.providers.create({ name: 'fake', kind: 'custom', baseUrl: llm.baseUrl, enabled: true })).id
  agent = await makeAgent('Concierge', { enabled: true, shared: false })
})
afterAll(async () => {
  await s?.close()
  await llm?.close()
})
beforeEach(async () => {
  // A test may end while its last extraction still runs in the background: it must not land in the next test's requests.
  await s.runtime.memory.idle()
  llm.reset()
  extractions.length = 0
  // Chat turns stream; the extraction is the one non-streamed call. Its answers come from `extractions`.
  llm.onChat((body) => (body.stream ? undefined : { text: extractions.shift() ?? '{"operations":[]}' }))
  for (const u of await s.runtime.memory.users()) await s.runtime.memory.forget(u.userId)
})

const rt = () => s.runtime
const makeAgent = (name: string, memory: { enabled: boolean; shared: boolean }) =>
  s.runtime.agents.create(AgentCreate.parse({ name, providerId, model: 'fake-chat', systemPrompt: 'You are a hotel concierge.', memory }))

async function turn(userId: string, message: string, who: Agent = agent) {
  const session = await rt().chat.sessions.create({ agentId: who.id, userId, title: '' })
  const handle = await rt().chat.startTurn({ sessionId: session.id, message })
  const events: TurnEvent[] = []
  for await (const e of handle.events) events.push(e)
  return { events, summary: await handle.done, sessionId: session.id }
}
const chatCalls = () => llm.requests.filter((r) => r.path.endsWith('/chat/completions') && r.body.stream)
const extractionCalls = () => llm.requests.filter((r) => r.path.endsWith('/chat/completions') && !r.body.stream)
const systemOf = (r: RecordedRequest) => r.body.messages[0].content as string
const texts = async (userId: string, agentId?: string) => (await rt().memory.list({ userId, agentId })).map((m) => m.text).sort()

describe('memory', () => {
  it('learns facts after the answer, with the agent model, without delaying the answer', async () => {
    extractions.push(
      '```json\n{"operations":[{"op":"add","text":"Name is Li Wei"},{"op":"add","text":"Prefers green tea"},{"op":"add","text":"Prefers green tea."},{"op":"bogus"}]}\n```'
    )
    llm.onChat((body) => (body.stream ? { text: 'Welcome, Li Wei!' } : { text: extractions.shift()!, firstTokenDelayMs: 300 }))
    const { events, summary } = await turn('u1', 'Hi, I am Li Wei and I always drink green tea.')
    expect(summary).toMatchObject({ status: 'ok', text: 'Welcome, Li Wei!' })
    expect(events.some((e) => e.type === 'error')).toBe(false)
    // The answer is complete while the extraction is still waiting for the model.
    expect(await texts('u1')).toEqual([])
    await rt().memory.idle()
    expect(await texts('u1')).toEqual(['Name is Li Wei', 'Prefers green tea'])

    const [call] = extractionCalls()
    expect(call.body.model).toBe('fake-chat')
    expect(call.body.messages[0]).toEqual({ role: 'system', content: EXTRACTION_PROMPT })
    expect(call.body.messages[1].content).toContain('Stored memories:\n(none)')
    expect(call.body.messages[1].content).toContain('User: Hi, I am Li Wei and I always drink green tea.\nAssistant: Welcome, Li Wei!')
    const stored = await rt().memory.list({ userId: 'u1' })
    expect(stored.every((m) => m.agentId === agent.id)).toBe(true)
    // The extraction is part of the turn's trace.
    expect((await rt().chat.runSteps(summary.runId)).map((x) => x.name)).toEqual(['fake-chat', 'fake-chat (memory)'])
  })

  it('updates and replaces contradicted facts, deletes what is no longer true, never duplicates', async () => {
    extractions.push(
      '{"operations":[{"op":"add","text":"Prefers green tea"},{"op":"add","text":"Lives in Hangzhou"},{"op":"add","text":"Has a dog named Bao"}]}'
    )
    await turn('u1', 'I love green tea. I live in Hangzhou with my dog Bao.')
    await rt().memory.idle()
    const before = await rt().memory.list({ userId: 'u1' })
    const tea = before.find((m) => m.text === 'Prefers green tea')!

    // The extractor sees the stored memories as m1, m2… and answers in those terms.
    llm.onChat((body) => {
      if (body.stream) return { text: 'Noted!' }
      const prompt: string = body.messages[1].content
      const ref = (text: string) => new RegExp(`(m\\d+): ${text}`).exec(prompt)![1]
      return {
        text: JSON.stringify({
          operations: [
            { op: 'update', id: ref('Prefers green tea'), text: 'Prefers coffee, no longer drinks tea' },
            { op: 'delete', id: ref('Has a dog named Bao') },
            { op: 'add', text: 'lives in  Hangzhou' },
            { op: 'update', id: 'm99', text: 'unknown reference is ignored' }
          ]
        })
      }
    })
    await turn('u1', 'Actually I switched to coffee, and sadly Bao passed away.')
    await rt().memory.idle()
    const after = await rt().memory.list({ userId: 'u1' })
    expect(after.map((m) => m.text).sort()).toEqual(['Lives in Hangzhou', 'Prefers coffee, no longer drinks tea'])
    // Replaced in place: same memory, new text.
    expect(after.find((m) => m.text.startsWith('Prefers coffee'))!.id).toBe(tea.id)
  })

  it('puts the most relevant memories of this user into the system prompt of a new session', async () => {
    const facts = [
      'Prefers coffee, no sugar',
      'Allergic to peanuts',
      'Birthday is 3 March',
      'Works as a nurse',
      'Has two children',
      'Plays tennis on Sundays',
      'Drives an electric car',
      'Speaks French',
      'Collects stamps',
      'Visited Kyoto last spring',
      'Learning the piano'
    ]
    for (const text of facts) await rt().memory.create({ userId: 'u1', agentId: agent.id, text })
    await turn('u1', 'Any dessert without peanuts you could suggest?')
    const system = systemOf(chatCalls()[0])
    expect(system.startsWith('You are a hotel concierge.\n\n' + MEMORY_HEADING)).toBe(true)
    expect(system).toContain('- Allergic to peanuts')
    // At most 8 go in: the relevant one plus the newest others; the oldest unrelated ones stay out.
    expect(system.split('\n').filter((l) => l.startsWith('- '))).toHaveLength(8)
    expect(system).not.toContain('Prefers coffee, no sugar')

    // 记忆 works for Chinese too (character bigrams).
    await rt().memory.create({ userId: 'u2', agentId: agent.id, text: '对花生过敏' })
    for (const text of ['喜欢喝咖啡', '住在杭州', '有两个孩子', '会说法语', '每周日打网球', '开电动车', '收集邮票', '去年去过京都', '正在学钢琴'])
      await rt().memory.create({ userId: 'u2', agentId: agent.id, text })
    await turn('u2', '有没有不含花生的甜点？')
    expect(systemOf(chatCalls()[1])).toContain('- 对花生过敏')
  })

  it("keeps users apart, and shared memories apart from an agent's own", async () => {
    extractions.push('{"operations":[{"op":"add","text":"Room 512"}]}')
    await turn('alice', 'I am in room 512.')
    await rt().memory.idle()
    await turn('bob', 'What room am I in?')
    await rt().memory.idle()
    expect(systemOf(chatCalls()[1])).not.toContain(MEMORY_HEADING)
    expect(extractionCalls()[1].body.messages[1].content).toContain('Stored memories:\n(none)')
    expect(await texts('bob')).toEqual([])
    await turn('alice', 'Which room?')
    await rt().memory.idle()
    expect(systemOf(chatCalls()[2])).toContain('- Room 512')

    // Shared memory: written without an agent, seen by every agent with shared on, not by others.
    const front = await makeAgent('Front desk', { enabled: true, shared: true })
    const spa = await makeAgent('Spa', { enabled: true, shared: true })
    const off = await makeAgent('Off', { enabled: false, shared: false })
    llm.reset()
    llm.onChat((body) => (body.stream ? undefined : { text: extractions.shift() ?? '{"operations":[]}' }))
    extractions.push('{"operations":[{"op":"add","text":"Checks out on Friday"}]}')
    await turn('alice', 'I check out on Friday.', front)
    await rt().memory.idle()
    expect((await rt().memory.list({ userId: 'alice' })).find((m) => m.text === 'Checks out on Friday')!.agentId).toBeNull()
    await turn('alice', 'Book me a massage before I leave.', spa)
    expect(systemOf(chatCalls()[1])).toContain('- Checks out on Friday')
    expect(systemOf(chatCalls()[1])).not.toContain('Room 512') // the concierge's own memory
    await turn('alice', 'Hello', agent)
    expect(systemOf(chatCalls()[2])).not.toContain('Checks out on Friday')
    expect(await texts('alice', spa.id)).toEqual(['Checks out on Friday'])
    expect(await texts('alice', agent.id)).toEqual(['Room 512'])

    // Memory off: nothing recalled, nothing extracted.
    await rt().memory.idle()
    const extracted = extractionCalls().length
    await turn('alice', 'Hi there', off)
    await rt().memory.idle()
    expect(systemOf(chatCalls()[3])).toBe('You are a hotel concierge.')
    expect(extractionCalls()).toHaveLength(extracted)
  })

  it('logs a failed extraction and never shows it to the chat user', async () => {
    const logged = captureLog()
    try {
      llm.onChat((body) => (body.stream ? { text: 'Sure.' } : { status: 500, error: { message: 'model overloaded' } }))
      const first = await turn('u1', 'I like jazz.')
      await rt().memory.idle()
      llm.onChat((body) => (body.stream ? { text: 'Sure.' } : { text: 'I think the user likes jazz.' }))
      const second = await turn('u1', 'I like jazz a lot.')
      await rt().memory.idle()
      for (const t of [first, second]) {
        expect(t.summary.status).toBe('ok')
        expect(t.events.some((e) => e.type === 'error')).toBe(false)
      }
      expect(logged.warnings().map((l) => `${l.msg}: ${l.err?.message}`)).toEqual([
        expect.stringMatching(/memory extraction failed: .*model overloaded/),
        expect.stringMatching(/memory extraction failed: .*did not answer with JSON: I think the user likes jazz/)
      ])
      expect(await texts('u1')).toEqual([])
      expect((await rt().chat.runSteps(first.summary.runId)).at(-1)).toMatchObject({
        name: 'fake-chat (memory)',
        error: expect.stringMatching(/model overloaded/)
      })
    } finally {
      logged.restore()
    }
  })

  it('lists, edits, deletes and forgets over REST, and forgotten facts leave the prompt', async () => {
    const create = (body: unknown) => s.api('POST', '/api/memories', body)
    const m1 = (await create({ userId: 'carol', agentId: agent.id, text: 'Vegetarian' })).body
    expect(m1).toMatchObject({ userId: 'carol', agentId: agent.id, text: 'Vegetarian' })
    expect((await create({ userId: 'carol', agentId: agent.id, text: 'vegetarian.' })).status).toBe(409)
    const shared = (await create({ userId: 'carol', text: 'Speaks German' })).body
    expect(shared.agentId).toBeNull()
    await create({ userId: 'dave', agentId: agent.id, text: 'Early riser' })
    expect((await create({ userId: 'carol', agentId: 'nope', text: 'x' })).status).toBe(404)
    expect((await create({ userId: '', text: 'x' })).status).toBe(422)

    expect((await s.api('GET', '/api/memories?userId=carol')).body.map((m: { text: string }) => m.text).sort()).toEqual(['Speaks German', 'Vegetarian'])
    expect((await s.api('GET', '/api/memories?userId=carol&q=germ')).body.map((m: { text: string }) => m.text)).toEqual(['Speaks German'])
    expect((await s.api('GET', '/api/memory-users')).body.map((u: { userId: string; count: number }) => [u.userId, u.count]).sort()).toEqual([
      ['carol', 2],
      ['dave', 1]
    ])
    const edited = await s.api('PUT', `/api/memories/${m1.id}`, { text: 'Vegan' })
    expect(edited.body).toMatchObject({ id: m1.id, text: 'Vegan' })
    expect(edited.body.updatedAt).toBeGreaterThanOrEqual(m1.updatedAt)
    await turn('carol', 'What can I eat tonight?')
    expect(systemOf(chatCalls()[0])).toContain('- Vegan')

    expect((await s.api('DELETE', `/api/memories/${shared.id}`)).body).toEqual({ ok: true })
    expect((await s.api('DELETE', `/api/memories/${shared.id}`)).status).toBe(404)
    const forgot = await s.api('DELETE', '/api/memory-users/carol')
    expect(forgot.body).toEqual({ deleted: 1 })
    expect((await s.api('GET', '/api/memories?userId=carol')).body).toEqual([])
    expect((await s.api('GET', '/api/memories?userId=dave')).body).toHaveLength(1)
    await turn('carol', 'What can I eat tonight?')
    expect(systemOf(chatCalls()[1])).not.toContain(MEMORY_HEADING)
  })

  it('is switched on per agent through the agents API', async () => {
    const created = await s.api('POST', '/api/agents', { name: 'Plain', providerId, model: 'fake-chat' })
    expect(created.body.memory).toEqual({ enabled: false, shared: false })
    const updated = await s.api('PUT', `/api/agents/${created.body.id}`, { memory: { enabled: true, shared: true } })
    expect(updated.body.memory).toEqual({ enabled: true, shared: true })
    expect((await s.api('GET', `/api/agents/${created.body.id}`)).body.memory).toEqual({ enabled: true, shared: true })
  })
})
