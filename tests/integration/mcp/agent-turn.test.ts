import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ChatMessageChunk, type TurnEvent } from '../../../src-main/contract/chat'
import { protocolFrames } from '../../../src-main/server/chat/protocol-frames'
import { AgentCreate, ToolCreate, type Agent } from '../../../src-main/contract/entities'
import { bootRuntime, type BootedRuntime } from '../../utils/boot'
import { startFakeLlm, type FakeLlm } from '../../utils/fake-llm'
import { everythingStdio } from './peers'

/** Agent turns whose model (the fake) calls tools of a real MCP server (server-everything over stdio). */
let b: BootedRuntime
let llm: FakeLlm
let agent: Agent
let everythingId: string

beforeAll(async () => {
  llm = await startFakeLlm()
  b = await bootRuntime({ mcp: { confirmTimeoutMs: 2_000 } })
  const p = await b.runtime.providers.create({ name: 'fake', kind: 'custom', baseUrl: llm.baseUrl, enabled: true })
  agent = await b.runtime.agents.create(AgentCreate.parse({ name: 'Helper', providerId: p.id, model: 'fake-chat', maxSteps: 4 }))
  everythingId = (await b.runtime.tools.create(ToolCreate.parse({ name: 'everything', config: everythingStdio() }))).id
})
afterAll(async () => {
  await b?.close()
  await llm?.close()
})
beforeEach(() => llm.reset())

type Answer = (wait: Extract<TurnEvent, { type: 'wait' }>) => unknown
async function turn(message: string, opts: { interactive?: boolean; clientId?: string; answer?: Answer } = {}) {
  const sessionId = (await b.runtime.chat.sessions.create({ agentId: agent.id, userId: 'u1', title: '' })).id
  const handle = await b.runtime.chat.startTurn({ sessionId, message, interactive: opts.interactive, clientId: opts.clientId })
  const events: TurnEvent[] = []
  for await (const e of handle.events) {
    events.push(e)
    if (e.type === 'wait' && opts.answer) b.runtime.chat.answerWait(e.waitId, opts.answer(e))
  }
  return { events, summary: await handle.done }
}
const chatBodies = () => llm.requests.filter((r) => r.path.endsWith('/chat/completions')).map((r) => r.body)
const toolResults = (events: TurnEvent[]) => events.filter((e): e is Extract<TurnEvent, { type: 'tool_result' }> => e.type === 'tool_result')

describe('an agent turn with MCP tools', () => {
  it('offers the bound tools, namespaced, and answers with what the tool returned', async () => {
    await b.runtime.mcp.setAgentTools(agent.id, [{ toolId: everythingId, enabledTools: ['echo', 'get-sum'], requireConfirmation: false }])
    llm.script({ toolCalls: [{ name: 'everything__echo', arguments: { message: 'ping' } }] }, { text: 'The server said: Echo: ping' })
    const { events, summary } = await turn('echo ping please')
    expect(summary).toMatchObject({ status: 'ok', text: 'The server said: Echo: ping' })
    const [first, second] = chatBodies()
    const offered = first.tools.map((t: { function: { name: string } }) => t.function.name)
    expect(offered).toEqual(expect.arrayContaining(['everything__echo', 'everything__get-sum']))
    expect(offered).not.toContain('everything__get-tiny-image')
    const echo = first.tools.find((t: { function: { name: string } }) => t.function.name === 'everything__echo').function
    expect(echo).toMatchObject({
      description: 'Echoes back the input string',
      parameters: { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] }
    })
    expect(second.messages.find((m: { role: string }) => m.role === 'tool')).toMatchObject({ content: 'Echo: ping' })
    expect(toolResults(events)).toEqual([expect.objectContaining({ name: 'everything__echo', content: 'Echo: ping', isError: false })])
    const steps = await b.runtime.chat.runSteps(summary.runId)
    expect(steps.find((s) => s.kind === 'tool')).toMatchObject({ name: 'everything__echo', output: 'Echo: ping' })
  })

  it("shows a long call's progress between the call and its result, on the studio's stream and the original protocol's", async () => {
    await b.runtime.mcp.setAgentTools(agent.id, [{ toolId: everythingId, enabledTools: ['trigger-long-running-operation'], requireConfirmation: false }])
    llm.script(
      { toolCalls: [{ id: 'call-long', name: 'everything__trigger-long-running-operation', arguments: { duration: 0.6, steps: 3 } }] },
      { text: 'done' }
    )
    const { events } = await turn('run the long one')
    const tools = events.filter((e) => e.type.startsWith('tool_'))
    const progress = tools.filter((e) => e.type === 'tool_progress')
    expect(progress.length).toBeGreaterThanOrEqual(2)
    expect(progress[0]).toEqual({ type: 'tool_progress', id: 'call-long', name: 'everything__trigger-long-running-operation', progress: 1, total: 3 })
    expect(progress.map((e) => e.progress)).toEqual([1, 2, 3].slice(0, progress.length))
    expect(tools.map((e) => e.type)).toEqual(['tool_call', ...progress.map(() => 'tool_progress'), 'tool_result'])
    const [frame] = protocolFrames()(progress[0])
    expect(ChatMessageChunk.parse(frame)).toEqual({
      content: '',
      card: null,
      type: 'tool_progress',
      tool: { id: 'call-long', name: 'everything__trigger-long-running-operation', progress: 1, total: 3 }
    })
  })

  it('passes a tool error on to the model as an error result', async () => {
    await b.runtime.mcp.setAgentTools(agent.id, [{ toolId: everythingId, enabledTools: null, requireConfirmation: false }])
    llm.script({ toolCalls: [{ name: 'everything__get-sum', arguments: { a: 'x' } }] }, { text: 'sorry' })
    const { events } = await turn('add')
    const [r] = toolResults(events)
    expect(r.isError).toBe(true)
    expect(r.content).toMatch(/everything__get-sum|Invalid|expected number/i)
  })

  it('asks for confirmation first: yes runs the tool, over the socket client too', async () => {
    await b.runtime.mcp.setAgentTools(agent.id, [{ toolId: everythingId, enabledTools: ['echo'], requireConfirmation: true }])
    const sent: [string, any][] = []
    b.runtime.chat.clients.connect('client-1', (event, payload) => sent.push([event, payload]))
    llm.script({ toolCalls: [{ name: 'everything__echo', arguments: { message: 'rm -rf' } }] }, { text: 'done' })
    const { events } = await turn('go', { clientId: 'client-1', answer: () => 'yes' })
    b.runtime.chat.clients.disconnect('client-1')
    const wait = events.find((e): e is Extract<TurnEvent, { type: 'wait' }> => e.type === 'wait')!
    expect(wait).toMatchObject({ kind: 'input', text: expect.stringContaining('Allow the tool "echo" of the MCP server "everything"') })
    expect(wait.text).toContain('{"message":"rm -rf"}')
    expect(sent).toEqual([['wait_for_input', { wait_id: wait.waitId, input_schema: expect.objectContaining({ type: 'boolean', description: wait.text }) }]])
    expect(toolResults(events)[0]).toMatchObject({ content: 'Echo: rm -rf', isError: false })
  })

  it('does not run the tool when the person says no, does not answer, or nobody can answer', async () => {
    await b.runtime.mcp.setAgentTools(agent.id, [{ toolId: everythingId, enabledTools: ['echo'], requireConfirmation: true }])
    const call = { toolCalls: [{ name: 'everything__echo', arguments: { message: 'x' } }] }

    llm.script(call, { text: 'ok' })
    const no = await turn('go', { interactive: true, answer: () => ({ confirmed: false }) })
    expect(toolResults(no.events)[0]).toMatchObject({ isError: true, content: expect.stringContaining('The user declined: everything__echo was not run') })

    llm.script(call, { text: 'ok' })
    const silent = await turn('go', { interactive: true })
    expect(toolResults(silent.events)[0]).toMatchObject({ isError: true, content: expect.stringContaining('The user declined (no answer in time)') })

    llm.script(call, { text: 'ok' })
    const api = await turn('go', { interactive: false })
    expect(api.events.some((e) => e.type === 'wait')).toBe(false)
    expect(toolResults(api.events)[0]).toMatchObject({ isError: true, content: expect.stringContaining('nobody can answer') })
  })

  it('gives two servers with the same tool distinct names, each reaching its own server', async () => {
    const other = await b.runtime.tools.create(ToolCreate.parse({ name: 'mirror', config: everythingStdio() }))
    await b.runtime.mcp.setAgentTools(agent.id, [
      { toolId: everythingId, enabledTools: ['echo'], requireConfirmation: false },
      { toolId: other.id, enabledTools: ['echo'], requireConfirmation: false }
    ])
    llm.script(
      {
        toolCalls: [
          { name: 'everything__echo', arguments: { message: 'a' } },
          { name: 'mirror__echo', arguments: { message: 'b' } }
        ]
      },
      { text: 'both' }
    )
    const { events } = await turn('both')
    expect(
      chatBodies()[0]
        .tools.map((t: { function: { name: string } }) => t.function.name)
        .filter((n: string) => n.endsWith('__echo'))
    ).toEqual(['everything__echo', 'mirror__echo'])
    expect(toolResults(events).map((r) => [r.name, r.content])).toEqual([
      ['everything__echo', 'Echo: a'],
      ['mirror__echo', 'Echo: b']
    ])
    const pids = await Promise.all([everythingId, other.id].map(async (id) => (await b.runtime.mcp.connection(id)).pid))
    expect(new Set(pids).size).toBe(2)
  })

  it('leaves out a disabled server and a broken one without failing the turn', async () => {
    const broken = await b.runtime.tools.create(ToolCreate.parse({ name: 'broken', config: { transport: 'stdio', command: 'agenta-no-such-command' } }))
    await b.runtime.mcp.setAgentTools(agent.id, [
      { toolId: everythingId, enabledTools: ['echo'], requireConfirmation: false },
      { toolId: broken.id, enabledTools: null, requireConfirmation: false }
    ])
    llm.script({ text: 'fine' })
    expect((await turn('hi')).summary.status).toBe('ok')
    expect(chatBodies()[0].tools.map((t: { function: { name: string } }) => t.function.name)).toContain('everything__echo')
    await b.runtime.tools.update(everythingId, { enabled: false })
    llm.script({ text: 'fine' })
    expect((await turn('hi')).summary.status).toBe('ok')
    expect((chatBodies()[1].tools ?? []).map((t: { function: { name: string } }) => t.function.name).filter((n: string) => n.includes('__'))).toEqual([])
    await b.runtime.tools.update(everythingId, { enabled: true })
  })
})
