import type { Socket } from 'socket.io-client'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ChatMessageFrame, TurnEvent, WaitForDigitalHuman } from '../../../src-main/contract/chat'
import { allData, chatEnv, emitAck, nextEvent, postMessage, sseData, socketClient, textOf, type ChatEnv } from './helpers'

/**
 * The speaking turn over the chat protocol: sentences as the answer streams, the avatar's
 * `wait_for_digitalhuman` / `digitalhuman_completion` round trip, and the explainer's steps.
 */
let env: ChatEnv
let agent: any
const sockets: Socket[] = []

beforeAll(async () => {
  env = await chatEnv()
  agent = await env.agent()
})
afterAll(() => env?.close())
beforeEach(() => env.llm.reset())
afterEach(() => {
  for (const s of sockets.splice(0)) s.close()
})

async function client() {
  const c = await socketClient(env.s.url)
  sockets.push(c.socket)
  return c
}

const body = (sessionId: string, socketId: string | null, message: string, extra: Record<string, unknown> = {}) => ({
  message,
  stream: true,
  session_id: sessionId,
  socket_id: socketId,
  app_uuid: agent.uuid,
  user_id: 'u1',
  is_digitalhuman: true,
  ...extra
})

/** Every frame of a /chat-message stream must have a shape the contract declares. */
function checked(frames: any[]): any[] {
  for (const f of frames) expect(ChatMessageFrame.parse(f), JSON.stringify(f)).toEqual(f)
  return frames
}
const sentencesOf = (frames: any[]) => frames.filter((f) => f.type === 'sentence').map((f) => f.sentence)

function deferred() {
  let resolve!: () => void
  const promise = new Promise<void>((r) => (resolve = r))
  return { promise, resolve }
}

/** Collects `wait_for_digitalhuman` payloads (checked against the contract) as they arrive. */
function waitsOf(socket: Socket) {
  const waits: WaitForDigitalHuman[] = []
  let notify: (() => void) | null = null
  socket.on('wait_for_digitalhuman', (p: unknown) => {
    waits.push(WaitForDigitalHuman.parse(p))
    notify?.()
  })
  return {
    waits,
    async nth(n: number): Promise<WaitForDigitalHuman> {
      while (waits.length < n) await new Promise<void>((r) => (notify = r))
      return waits[n - 1]
    }
  }
}

const complete = (socket: Socket, waitId: string) =>
  emitAck(socket, 'digitalhuman_completion', { wait_id: waitId, completion_data: { duration: 1.5, status: 'finished', message: '' } })

describe('sentences as the answer streams', () => {
  it('each finished sentence comes as a chunk, in order, the first while the rest is still streaming', async () => {
    const sid = await env.init(agent)
    const resume = deferred()
    env.llm.script({
      chunks: ['Welcome to ', 'the hall ', 'of bronzes. ', 'The exit ', 'is behind you, ', 'past ', 'the gift ', 'shop.'],
      pauseAfterChunks: 3,
      resume: resume.promise
    })
    const res = await postMessage(env.s, body(sid, null, 'hello', { sentences: true }))
    const frames: any[] = []
    const stream = sseData(res)
    // Read by hand: leaving a for-await loop would close the stream.
    while (!frames.some((f) => f.type === 'sentence')) {
      const next = await stream.next()
      if (next.done) break
      frames.push(next.value)
    }
    // The model is held after "of bronzes. ": the first sentence is out, the rest not yet streamed.
    expect(sentencesOf(frames)).toEqual([{ index: 0, text: 'Welcome to the hall of bronzes.' }])
    expect(textOf(frames)).toBe('Welcome to the hall of bronzes. ')
    expect(frames).not.toContain('[DONE]')
    resume.resolve()
    for await (const f of stream) frames.push(f)
    checked(frames)
    expect(sentencesOf(frames)).toEqual([
      { index: 0, text: 'Welcome to the hall of bronzes.' },
      { index: 1, text: 'The exit is behind you, past the gift shop.' }
    ])
    expect(textOf(frames)).toBe('Welcome to the hall of bronzes. The exit is behind you, past the gift shop.')
    expect(frames.at(-1)).toBe('[DONE]')
  })

  it('speaks Chinese and English punctuation, without Markdown, links or code', async () => {
    const sid = await env.init(agent)
    env.llm.script({
      text: '**欢迎**来到青铜器馆。\n\n```js\nconst x = 1\n```\n请看左边的[大鼎](http://example.com/ding)，它有三千年历史。出口在礼品店后面。'
    })
    const frames = checked(await allData(await postMessage(env.s, body(sid, null, '你好', { sentences: true }))))
    expect(sentencesOf(frames).map((s: any) => s.text)).toEqual(['欢迎来到青铜器馆。', '请看左边的大鼎，它有三千年历史。', '出口在礼品店后面。'])
    expect(sentencesOf(frames).map((s: any) => s.index)).toEqual([0, 1, 2])
  })

  it('without `sentences` the stream is the original one: no sentence chunks', async () => {
    const sid = await env.init(agent)
    env.llm.script({ text: 'Welcome to the hall of bronzes. The exit is behind you.' })
    const frames = checked(await allData(await postMessage(env.s, body(sid, null, 'hello'))))
    expect(frames.filter((f) => f.type === 'sentence')).toEqual([])
    expect(textOf(frames)).toBe('Welcome to the hall of bronzes. The exit is behind you.')
  })

  it("the studio's chat.turn stream carries sentence events, every event as the contract declares it", async () => {
    const sid = await env.init(agent)
    env.llm.script({ text: 'First things first. Then the second thing!' })
    const res = await fetch(`${env.s.url}/api/chat/turn`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${env.s.token}` },
      body: JSON.stringify({ sessionId: sid, message: 'go', sentences: true })
    })
    const events = await allData(res)
    for (const e of events) expect(TurnEvent.parse(e), JSON.stringify(e)).toEqual(e)
    expect(events.filter((e) => e.type === 'sentence')).toEqual([
      { type: 'sentence', index: 0, text: 'First things first.' },
      { type: 'sentence', index: 1, text: 'Then the second thing!' }
    ])
    // The last sentence ends with the answer, before the turn is done.
    expect(events.findIndex((e) => e.type === 'sentence' && e.index === 1)).toBeLessThan(events.findIndex((e) => e.type === 'done'))
  })
})

describe('the avatar presenter on the control socket', () => {
  it('digitalhuman_completion round trip: the sentences come first, [DONE] only after the avatar finished', async () => {
    const { socket, clientId } = await client()
    const sid = await env.init(agent)
    env.llm.script({ text: 'Welcome to the museum. Enjoy your visit!' })
    const speak = nextEvent(socket, 'wait_for_digitalhuman')
    const res = await postMessage(env.s, body(sid, clientId, 'hello', { sentences: true }))
    const frames: any[] = []
    const reading = (async () => {
      for await (const f of sseData(res)) frames.push(f)
    })()
    const wait = WaitForDigitalHuman.parse(await speak)
    expect(wait).toEqual({ wait_id: expect.stringMatching(/^wait_/), text: 'Welcome to the museum. Enjoy your visit!' })
    // The turn holds until the avatar says it has finished: the answer is not saved yet.
    expect((await env.s.api('GET', `/api/sessions/${sid}/messages`)).body.map((m: any) => m.role)).toEqual(['user'])
    expect(await complete(socket, wait.wait_id)).toEqual({ status: 'success' })
    await reading
    checked(frames)
    expect(frames.at(-1)).toBe('[DONE]')
    const kinds = frames.map((f) => (f === '[DONE]' ? f : (f.type ?? 'text')))
    // Both sentences went out before the wait, so a client can speak them while the answer streams.
    expect(kinds.lastIndexOf('sentence')).toBeLessThan(kinds.indexOf('wait'))
    expect(frames.find((f) => f.type === 'wait')).toEqual({
      content: '',
      card: null,
      type: 'wait',
      wait_id: wait.wait_id,
      wait: { kind: 'digitalhuman', text: 'Welcome to the museum. Enjoy your visit!' }
    })
    expect((await env.s.api('GET', `/api/sessions/${sid}/messages`)).body.map((m: any) => m.role)).toEqual(['user', 'assistant'])
  })

  it('the text said before a tool call is spoken before the tool runs', async () => {
    const { socket, clientId } = await client()
    const sid = await env.init(agent)
    env.llm.script({ text: 'Let me check the time.', toolCalls: [{ name: 'current_time', arguments: {} }] }, { text: 'It is open now.' })
    const w = waitsOf(socket)
    const stream = postMessage(env.s, body(sid, clientId, 'is it open?')).then(allData)
    const first = await w.nth(1)
    expect(first.text).toBe('Let me check the time.')
    // The tool has not run while the avatar speaks: the model has been asked once.
    expect(env.llm.requests.filter((r) => r.path.endsWith('/chat/completions'))).toHaveLength(1)
    await complete(socket, first.wait_id)
    const second = await w.nth(2)
    expect(second.text).toBe('It is open now.')
    await complete(socket, second.wait_id)
    const frames = checked(await stream)
    expect(frames.map((f) => f.type).filter(Boolean)).toEqual(['wait', 'tool_call', 'tool_result', 'wait'])
  })

  it('is_digitalhuman without a control socket: no wait, no explain tool, the stream ends', async () => {
    const sid = await env.init(agent)
    env.llm.script({ text: 'Welcome.' })
    const frames = checked(await allData(await postMessage(env.s, body(sid, null, 'hello'))))
    expect(frames.at(-1)).toBe('[DONE]')
    expect(frames.find((f) => f.type === 'wait')).toBeUndefined()
    expect((env.llm.requests[0].body.tools ?? []).map((t: any) => t.function.name)).not.toContain('explain')
  })
})

describe('explainer sequences (数字人讲解)', () => {
  const steps = ['这是青铜器馆的入口。', 'On your left stands a great bronze ding.', '最后，请看墙上的铭文。']

  it('each step is a wait_for_digitalhuman of its own, the next sent only after the avatar finished the previous', async () => {
    const { socket, clientId } = await client()
    const sid = await env.init(agent)
    env.llm.script({ toolCalls: [{ id: 'call_tour', name: 'explain', arguments: { steps } }] }, { text: 'That was the tour.' })
    const w = waitsOf(socket)
    const stream = postMessage(env.s, body(sid, clientId, 'show me around', { sentences: true })).then(allData)
    for (const [i, text] of steps.entries()) {
      const wait = await w.nth(i + 1)
      expect(wait).toEqual({ wait_id: expect.any(String), text, step: { index: i + 1, count: 3 } })
      // A round trip over the same socket: had the server not waited, the next step would be here first.
      await emitAck(socket, 'systemdata', { action: 'register_functions', payload: [] })
      expect(w.waits).toHaveLength(i + 1)
      await complete(socket, wait.wait_id)
    }
    const closing = await w.nth(4)
    expect(closing).toEqual({ wait_id: expect.any(String), text: 'That was the tour.' })
    await complete(socket, closing.wait_id)
    const frames = checked(await stream)
    expect(env.llm.requests[0].body.tools.map((t: any) => t.function.name)).toContain('explain')
    expect(frames.filter((f) => f.type === 'wait').map((f) => f.wait.step ?? null)).toEqual([
      { index: 1, count: 3 },
      { index: 2, count: 3 },
      { index: 3, count: 3 },
      null
    ])
    // Each step's sentences come right before its wait, then the closing answer's.
    expect(frames.filter((f) => f.type === 'sentence' || f.type === 'wait').map((f) => (f.type === 'wait' ? 'wait' : f.sentence.text))).toEqual([
      steps[0],
      'wait',
      steps[1],
      'wait',
      steps[2],
      'wait',
      'That was the tour.',
      'wait'
    ])
    expect(frames.find((f) => f.type === 'tool_result').tool).toMatchObject({ is_error: false, content: 'All 3 steps were spoken by the digital human.' })
    expect(textOf(frames)).toBe('That was the tour.')
  })

  it('a control socket that disconnects mid-explanation ends the steps and the turn', { timeout: 10_000 }, async () => {
    const { socket, clientId } = await client()
    const sid = await env.init(agent)
    env.llm.script({ toolCalls: [{ name: 'explain', arguments: { steps } }] }, { text: 'The guide went away.' })
    const w = waitsOf(socket)
    const stream = postMessage(env.s, body(sid, clientId, 'show me around')).then(allData)
    await complete(socket, (await w.nth(1)).wait_id)
    await w.nth(2)
    socket.close()
    const frames = checked(await stream)
    expect(frames.at(-1)).toBe('[DONE]')
    expect(frames.find((f) => f.type === 'tool_result').tool).toMatchObject({
      is_error: true,
      content: 'Steps 1–1 of 3 were spoken; the rest was not: the digital human is no longer connected.'
    })
    expect(textOf(frames)).toBe('The guide went away.')
  })

  it('bad steps are an error result the model can fix, with nothing sent to the avatar', async () => {
    const { socket, clientId } = await client()
    const sid = await env.init(agent)
    env.llm.script({ toolCalls: [{ name: 'explain', arguments: { steps: [] } }] }, { text: 'Sorry.' })
    const w = waitsOf(socket)
    const stream = postMessage(env.s, body(sid, clientId, 'show me around')).then(allData)
    await complete(socket, (await w.nth(1)).wait_id)
    const frames = checked(await stream)
    expect(w.waits.map((x) => x.text)).toEqual(['Sorry.'])
    expect(frames.find((f) => f.type === 'tool_result').tool).toMatchObject({
      is_error: true,
      content: expect.stringContaining('Nothing was narrated: steps:')
    })
  })
})
