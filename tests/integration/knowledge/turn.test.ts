import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Source, TurnEvent } from '../../../src-main/contract/chat'
import { AgentCreate, type Agent } from '../../../src-main/contract/entities'
import { dispatch } from '../../../src-main/core/dispatch'
import { ownerContext } from '../../../src-main/core/context'
import { bootRuntime, type BootedRuntime } from '../../utils/boot'
import { startFakeLlm, type FakeLlm } from '../../utils/fake-llm'
import { fakeModels, HOURS_EN, newDir, testKnowledgeOptions, TICKETS_ZH } from './helpers'

/** Knowledge bases in agent turns: automatic context with numbered passages, or the search_knowledge tool; sources to the client and into the answer. */
let b: BootedRuntime
let llm: FakeLlm
let agent: Agent
let kbId: string

beforeAll(async () => {
  llm = await startFakeLlm()
  b = await bootRuntime({ knowledge: testKnowledgeOptions, turn: { retry: { attempts: 1, baseDelayMs: 5 } } })
  const rt = b.runtime
  const m = await fakeModels(rt, llm)
  agent = await rt.agents.create(AgentCreate.parse({ name: 'Guide', providerId: m.provider.id, model: 'fake-chat', systemPrompt: 'You are a guide.' }))
  kbId = (
    await rt.knowledgeBases.create({
      name: 'Scenic',
      description: 'tickets, hours and transport',
      embeddingModelId: m.embed.id,
      chunkSize: 300,
      chunkOverlap: 30
    })
  ).id
  const dir = newDir('turn')
  writeFileSync(join(dir, 'tickets.md'), `# 门票\n\n${TICKETS_ZH}`)
  writeFileSync(join(dir, 'hours.md'), `# Opening hours\n\n${HOURS_EN}`)
  writeFileSync(join(dir, 'bus.txt'), '从火车站乘坐 K12 路公交车可以直达景区南门。')
  await rt.knowledge.documents.addPaths(kbId, [dir])
  await rt.knowledge.queue.whenIdle()
})
afterAll(async () => {
  await b?.close()
  await llm?.close()
})
beforeEach(() => llm.reset())

const bind = (settings: Record<string, unknown>) =>
  dispatch(b.runtime, 'agents.setKnowledgeBases', { id: agent.id, bindings: [{ kbId, settings }] }, ownerContext())

async function turn(message: string) {
  const sessionId = (await b.runtime.chat.sessions.create({ agentId: agent.id, userId: 'u1', title: '' })).id
  const handle = await b.runtime.chat.startTurn({ sessionId, message })
  const events: TurnEvent[] = []
  for await (const e of handle.events) events.push(e)
  const summary = await handle.done
  const stored = await b.runtime.chat.sessions.messages(sessionId)
  return { events, summary, answer: stored.at(-1)! }
}
const chatBodies = () => llm.requests.filter((r) => r.path === '/v1/chat/completions').map((r) => r.body)
const sourcesOf = (events: TurnEvent[]) => events.flatMap((e) => (e.type === 'sources' ? e.sources : []))

describe('knowledge in turns', () => {
  it('puts numbered passages in the prompt and sends the sources (Chinese question)', async () => {
    const saved = await bind({ use: 'context', mode: 'hybrid', topK: 2 })
    expect(saved).toEqual([{ kbId, settings: { use: 'context', mode: 'hybrid', topK: 2, scoreThreshold: 0, hybridWeight: 0.5, rerankModelId: null } }])
    llm.script({ text: '成人门票八十八元[1]。' })
    const { events, summary, answer } = await turn('门票多少钱？')
    expect(summary.status).toBe('ok')
    const system = chatBodies()[0].messages[0]
    expect(system.role).toBe('system')
    expect(system.content).toMatch(/^You are a guide\./)
    expect(system.content).toMatch(/cite each passage you use by its number in square brackets, like \[1\]/)
    expect(system.content).toContain(`[1] tickets.md › 门票\n${TICKETS_ZH}`)
    const sources = sourcesOf(events)
    expect(sources).toHaveLength(2)
    expect(sources[0]).toMatchObject({ kbId, docName: 'tickets.md', text: TICKETS_ZH, headingPath: ['门票'] } satisfies Partial<Source>)
    // Sources come before the answer streams, so a client can show them with the first words.
    expect(events.findIndex((e) => e.type === 'sources')).toBeLessThan(events.findIndex((e) => e.type === 'delta'))
    expect(answer.meta.sources).toEqual(sources)
  })

  it('answers an English question from the English passage', async () => {
    llm.script({ text: 'It opens at 8:00 [1].' })
    const { events } = await turn('When does the museum open?')
    expect(sourcesOf(events)[0]).toMatchObject({ docName: 'hours.md', text: HOURS_EN })
    expect(chatBodies()[0].messages[0].content).toContain(`[1] hours.md › Opening hours\n${HOURS_EN}`)
  })

  it('adds nothing when no passage passes the threshold', async () => {
    await bind({ use: 'context', mode: 'vector', topK: 3, scoreThreshold: 0.99 })
    llm.script({ text: 'I do not know.' })
    const { events, answer } = await turn('What is the weather like on Mars?')
    expect(sourcesOf(events)).toEqual([])
    expect(chatBodies()[0].messages[0].content).toBe('You are a guide.')
    expect(answer.meta.sources).toBeUndefined()
  })

  it('offers search_knowledge as a tool and numbers its passages across calls', async () => {
    await bind({ use: 'tool', mode: 'fulltext', topK: 1 })
    llm.script(
      { toolCalls: [{ name: 'search_knowledge', arguments: { query: '公交车' } }] },
      { toolCalls: [{ name: 'search_knowledge', arguments: { query: 'opening hours' } }] },
      { text: 'Take bus K12 [1]; it opens at 8:00 [2].' }
    )
    const { events, summary, answer } = await turn('How do I get there and when is it open?')
    expect(summary.status).toBe('ok')
    const first = chatBodies()[0]
    expect(first.messages[0].content).toBe('You are a guide.')
    const tool = first.tools.find((t: any) => t.function.name === 'search_knowledge')
    expect(tool.function.description).toContain('- Scenic: tickets, hours and transport')
    const results = events.filter((e): e is Extract<TurnEvent, { type: 'tool_result' }> => e.type === 'tool_result')
    expect(results[0].content).toMatch(/^\[1\] bus\.txt\n.*K12/)
    expect(results[1].content).toMatch(/^\[2\] hours\.md › Opening hours\n/)
    const sources = sourcesOf(events)
    expect(sources.map((s) => s.docName)).toEqual(['bus.txt', 'hours.md'])
    expect(answer.meta.sources).toEqual(sources)
    expect(answer.content).toBe('Take bus K12 [1]; it opens at 8:00 [2].')
  })

  it('rejects bindings to unknown knowledge bases or non-rerank models', async () => {
    await expect(dispatch(b.runtime, 'agents.setKnowledgeBases', { id: agent.id, bindings: [{ kbId: 'nope' }] }, ownerContext())).rejects.toMatchObject({
      code: 'not_found'
    })
    await expect(bind({ rerankModelId: (await b.runtime.providers.models.list({ type: 'embedding' }))[0].id })).rejects.toMatchObject({
      code: 'validation_failed'
    })
    await bind({})
    expect(await dispatch(b.runtime, 'agents.knowledgeBases', { id: agent.uuid }, ownerContext())).toEqual([
      { kbId, settings: { use: 'context', mode: 'hybrid', topK: 5, scoreThreshold: 0, hybridWeight: 0.5, rerankModelId: null } }
    ])
  })
})
