import Database from 'better-sqlite3'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import net from 'node:net'
import OpenAI from 'openai'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { allData, chatEnv, postMessage, textOf, type ChatEnv } from './helpers'

/**
 * Faults of the model provider, through the chat protocol (`/chat-message`) and the OpenAI API
 * (`/v1`), which share the turn: a provider that never answers or stalls, answers with nothing or
 * with a web page, or sends chunks of the wrong shape. Each ends the turn with a clear error, and
 * the session takes the next turn.
 */
let env: ChatEnv
let agent: any
let v1: OpenAI

beforeAll(async () => {
  env = await chatEnv()
  // Short timeouts so a hung provider is given up on quickly; the retries stay as chatEnv set them.
  await env.s.api('PUT', `/api/providers/${env.providerId}`, { timeouts: { firstTokenMs: 400, idleMs: 400 } })
  agent = await env.agent()
  v1 = new OpenAI({ baseURL: `${env.s.url}/v1`, apiKey: env.s.token, maxRetries: 0 })
})
afterAll(() => env?.close())
beforeEach(() => env.llm.reset())

const msg = (sessionId: string, message: string, to = agent) => ({
  message,
  stream: true,
  session_id: sessionId,
  socket_id: null,
  app_uuid: to.uuid,
  user_id: 'u1',
  is_digitalhuman: false
})

/** One /chat-message turn: the text a client shows and the error frame, if any. */
async function chatTurn(sid: string, message: string, to = agent) {
  const frames = await allData(await postMessage(env.s, msg(sid, message, to)))
  return { frames, text: textOf(frames), error: frames.find((f) => f?.type === 'error')?.error as { code: string; message: string } | undefined }
}
const messages = async (sid: string) => {
  const res = await env.s.api('GET', `/api/sessions/${sid}/messages`)
  expect(res.status).toBe(200)
  return res.body as any[]
}

describe('provider timeouts', () => {
  it('are stored on the provider: defaults, and only the ones given change', async () => {
    const p = await env.s.api('GET', `/api/providers/${env.providerId}`)
    expect(p.body.timeouts).toEqual({ connectMs: 15_000, firstTokenMs: 400, idleMs: 400 })
  })

  it('ends a turn whose provider never answers with the first-token timeout, and the session takes the next turn', async () => {
    const sid = await env.init(agent)
    env.llm.script({ hang: true })
    const { error } = await chatTurn(sid, 'anyone there?')
    expect(error).toEqual({ code: 'upstream_error', message: expect.stringMatching(/"Fake".*did not start answering within 400 ms \(first-token timeout\)/) })
    const next = await chatTurn(sid, 'again')
    expect(next).toMatchObject({ text: 'You said: again', error: undefined })
  })

  it('ends a turn whose provider stalls mid-stream with the idle timeout, keeping what came', async () => {
    const sid = await env.init(agent)
    env.llm.script({ chunks: ['Half ', 'an ', 'answer'], stallAfterChunks: 2 })
    const { text, error } = await chatTurn(sid, 'tell me')
    expect(text).toBe('Half an ')
    expect(error).toEqual({ code: 'upstream_error', message: expect.stringMatching(/"Fake".*nothing for 400 ms \(idle timeout\)/) })
    const stored = await messages(sid)
    expect(stored.at(-1)).toMatchObject({ role: 'assistant', content: 'Half an ', meta: { status: 'error', error: expect.stringContaining('idle timeout') } })
    expect((await chatTurn(sid, 'go on')).text).toBe('You said: go on')
  })

  it('gives up on a provider it cannot connect to within the connect timeout', async () => {
    // A listener whose thread is blocked never accepts: once its backlog is full, connecting hangs.
    const worker = new Worker(
      `const { parentPort } = require('node:worker_threads')
       const s = require('node:net').createServer()
       s.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
         parentPort.postMessage(s.address().port)
         parentPort.once('message', () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0))
       })`,
      { eval: true }
    )
    const fillers: net.Socket[] = []
    try {
      const port = await new Promise<number>((r) => worker.once('message', r))
      worker.postMessage('block')
      // Linux queues backlog + 1 connections for a listener that does not accept.
      for (let i = 0; i < 2; i++) {
        const sock = net.connect(port, '127.0.0.1').on('error', () => undefined)
        fillers.push(sock)
        await new Promise((r) => sock.once('connect', r))
      }
      const p = await env.s.api('POST', '/api/providers', { name: 'Blackhole', baseUrl: `http://127.0.0.1:${port}/v1`, timeouts: { connectMs: 200 } })
      expect(p.status).toBe(201)
      const a = await env.agent({ providerId: p.body.id, model: 'any' })
      const { error } = await chatTurn(await env.init(a), 'hello?', a)
      expect(error).toEqual({
        code: 'upstream_error',
        message: expect.stringMatching(/"Blackhole".*could not be connected to within 200 ms \(connect timeout\)/)
      })
    } finally {
      for (const s of fillers) s.destroy()
      await worker.terminate()
    }
  })

  it('refuses timeouts that are not sensible with a 4xx naming the field', async () => {
    const res = await env.s.api('PUT', `/api/providers/${env.providerId}`, { timeouts: { idleMs: 0 } })
    expect(res.status).toBe(422)
    expect(res.body.error.message).toContain('idleMs')
  })
})

describe('empty answers', () => {
  it('an event stream with nothing in it is an error on /chat-message, not an empty reply', async () => {
    const sid = await env.init(agent)
    env.llm.script({ text: '' })
    const { error } = await chatTurn(sid, 'say something')
    expect(error).toEqual({ code: 'upstream_error', message: expect.stringMatching(/"Fake".*answered with no content/) })
    expect((await messages(sid)).map((m) => m.role)).toEqual(['user'])
  })

  it('a 200 HTML page is an error naming its type on /chat-message and /v1', async () => {
    const page = { body: { contentType: 'text/html; charset=utf-8', text: '<html><body>Sign in to the Wi-Fi</body></html>' } }
    const sid = await env.init(agent)
    env.llm.script(page)
    const { error } = await chatTurn(sid, 'hi')
    expect(error?.message).toMatch(/answered with text\/html, not an event stream/)

    env.llm.script(page)
    const err = await v1.chat.completions.create({ model: agent.uuid, messages: [{ role: 'user', content: 'hi' }] }).catch((e) => e)
    expect(err).toBeInstanceOf(OpenAI.APIError)
    expect(err.message).toMatch(/answered with text\/html, not an event stream/)

    env.llm.script({ text: '' })
    const stream = await v1.chat.completions.create({ model: agent.uuid, messages: [{ role: 'user', content: 'hi' }], stream: true })
    const drained = (async () => {
      for await (const _ of stream) {
        // drain
      }
    })()
    await expect(drained).rejects.toThrow(/answered with no content/)
  })
})

describe('malformed chunks', () => {
  it('fails the turn on text that is not a string, relays none of it as a number, and the session goes on', async () => {
    const sid = await env.init(agent)
    env.llm.script({ deltas: [{ content: 'fine ' }, { content: 123 }] })
    const { frames, error } = await chatTurn(sid, 'count')
    expect(frames.filter((f) => f !== '[DONE]').every((f) => typeof f.content === 'string')).toBe(true)
    expect(error).toEqual({ code: 'upstream_error', message: expect.stringMatching(/malformed chunk \(choices\.0\.delta\.content: .*string/) })
    await messages(sid)
    expect((await chatTurn(sid, 'again')).text).toBe('You said: again')
  })

  it('reads token counts that are not numbers as unknown: the answer and the session stay usable', async () => {
    const sid = await env.init(agent)
    env.llm.script({ text: 'Counted.', usage: { prompt_tokens: 'a', completion_tokens: '7' } })
    const { text, error } = await chatTurn(sid, 'count')
    expect([text, error]).toEqual(['Counted.', undefined])
    const stored = await messages(sid)
    expect(stored.at(-1).meta.usage).toEqual({ promptTokens: 0, completionTokens: 7 })
    expect((await chatTurn(sid, 'more')).text).toBe('You said: more')
  })

  it('still loads a session that already holds bad token counts in the database', async () => {
    const sid = await env.init(agent)
    await chatTurn(sid, 'before')
    const [answer] = (await messages(sid)).filter((m) => m.role === 'assistant')
    // As an earlier version stored them: "0a" for a count, in the message and in its trace.
    const db = new Database(join(env.s.dataDir, 'agenta.db'))
    try {
      const meta = JSON.stringify({ ...answer.meta, usage: { promptTokens: '0a', completionTokens: 5 }, cards: 'x' })
      db.prepare('UPDATE messages SET meta = ? WHERE id = ?').run(meta, answer.id)
      db.prepare("UPDATE run_steps SET tokens_in = 'a' WHERE run_id = ?").run(answer.meta.runId)
    } finally {
      db.close()
    }
    const stored = await messages(sid)
    expect(stored.map((m) => [m.role, m.content])).toEqual([
      ['user', 'before'],
      ['assistant', 'You said: before']
    ])
    expect(stored[1].meta.usage).toEqual({ promptTokens: 0, completionTokens: 5 })
    const steps = await env.s.api('GET', `/api/runs/${answer.meta.runId}`)
    expect(steps.status).toBe(200)
    expect(steps.body[0].tokensIn).toBe(0)
    // The history loads for the next turn too.
    expect((await chatTurn(sid, 'after')).text).toBe('You said: after')
  })
})
