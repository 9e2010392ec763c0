import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ModelCallError, streamModelCall } from '../../../src-main/core/chat/model-call'
import { SseDecoder, type SseEvent } from '../../../src-main/base/web/sse'
import { nodeFetch } from '../../../src-main/core/providers/node-fetch'

describe('SseDecoder', () => {
  const decode = (...parts: (string | Uint8Array)[]) => {
    const events: SseEvent[] = []
    const d = new SseDecoder((e) => events.push(e))
    for (const p of parts) d.push(typeof p === 'string' ? new TextEncoder().encode(p) : p)
    d.end()
    return events
  }

  it('reads LF, CRLF and CR line ends, also when a CRLF or a character is split across reads', () => {
    const snow = new TextEncoder().encode('data: ❄\n\n')
    expect(decode('data: a\r', '\n\r\ndata: b\rdata: c\r\r', snow.slice(0, 8), snow.slice(8))).toEqual([
      { event: null, data: 'a' },
      { event: null, data: 'b\nc' },
      { event: null, data: '❄' }
    ])
  })

  it('skips comments and unknown fields, keeps event names, and ignores events without data', () => {
    expect(decode(': keep-alive\n\nid: 7\nretry: 10\n\nevent: error\ndata:{"x":1}\n\nevent: ping\n\n')).toEqual([{ event: 'error', data: '{"x":1}' }])
  })

  it('refuses an event or a line that never ends instead of holding it all in memory', () => {
    const enc = (t: string) => new TextEncoder().encode(t)
    const line = new SseDecoder(() => undefined, 100)
    line.push(enc('data: ' + 'x'.repeat(50)))
    expect(() => line.push(enc('x'.repeat(60)))).toThrow(/event longer than 100 characters/)
    const lines = new SseDecoder(() => undefined, 100)
    lines.push(enc('data: ' + 'y'.repeat(40) + '\n'))
    expect(() => lines.push(enc('data: ' + 'y'.repeat(70) + '\n'))).toThrow(/event longer than 100 characters/)
    const events: SseEvent[] = []
    const fine = new SseDecoder((e) => events.push(e), 100)
    for (let i = 0; i < 5; i++) fine.push(enc('data: ' + 'z'.repeat(60) + '\n\n'))
    expect(events).toHaveLength(5)
  })

  it('still hands over an event the stream ended without closing', () => {
    expect(decode('data: one\n\ndata: two')).toEqual([
      { event: null, data: 'one' },
      { event: null, data: 'two' }
    ])
  })
})

// Turn clients fetch with nodeFetch (body read as a Node stream); any other client with the global fetch (web stream).
for (const [name, fetchImpl] of [
  ['nodeFetch', nodeFetch],
  ['the global fetch', undefined]
] as const)
  describe(`streamModelCall reading the provider stream (${name})`, () => {
    let server: Server
    let client: OpenAI
    let baseUrl: string
    /** The raw SSE body the next request gets, written in these pieces; `status` other than 200 answers JSON. */
    let pieces: string[] = []
    let status = 200
    let hang = false
    let requests = 0
    let connections = 0
    /** Ends the response only a moment after the last piece, as providers that send `[DONE]` on its own do. */
    let lateEnd = false
    let closed: Promise<void> = Promise.resolve()

    beforeAll(async () => {
      server = createServer((req, res) => {
        requests++
        req.resume()
        closed = new Promise((ok) => res.once('close', () => ok()))
        if (status !== 200) return void res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'bad key' } }))
        res.writeHead(200, { 'content-type': 'text/event-stream' })
        for (const p of pieces) res.write(p)
        if (lateEnd) setTimeout(() => res.end(), 20)
        else if (!hang) res.end()
      })
      server.on('connection', () => connections++)
      await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
      baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`
      client = new OpenAI({ baseURL: baseUrl, apiKey: 'x', maxRetries: 0, ...(fetchImpl && { fetch: fetchImpl }) })
    })
    afterAll(() => new Promise<void>((ok) => (server.close(() => ok()), server.closeAllConnections())))

    const chunk = (delta: object, extra: object = {}) => `data: ${JSON.stringify({ choices: [{ index: 0, delta, finish_reason: null }], ...extra })}\r\n\r\n`
    const call = (deltas: string[] = [], signal = AbortSignal.timeout(10_000)) =>
      streamModelCall(
        client,
        { model: 'm', messages: [{ role: 'user', content: 'hi' }] },
        { signal, baseUrl, retry: { attempts: 3, baseDelayMs: 1 }, onDelta: (t) => deltas.push(t) }
      )

    it('assembles text, reasoning, tool calls and usage, and stops at [DONE]', async () => {
      const toolStart = chunk({ tool_calls: [{ index: 0, id: 'c1', function: { name: 'look', arguments: '{"a"' } }] })
      const whole = [
        ': hello\n\n',
        chunk({ reasoning_content: 'thinking' }),
        chunk({ content: 'Hel' }),
        chunk({ content: 'lo' }),
        toolStart,
        chunk({ tool_calls: [{ index: 0, function: { arguments: ':1}' } }] }),
        `data: ${JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] })}\n\n`,
        `data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 5, completion_tokens: 3 } })}\n\n`,
        'data: [DONE]\n\n',
        'data: not json after the end\n\n'
      ].join('')
      // Arbitrary read boundaries, in the middle of lines and JSON.
      pieces = whole.match(/[\s\S]{1,7}/g)!
      const deltas: string[] = []
      const r = await call(deltas)
      expect(deltas).toEqual(['Hel', 'lo'])
      expect(r).toEqual({
        text: 'Hello',
        reasoning: 'thinking',
        toolCalls: [{ id: 'c1', name: 'look', arguments: '{"a":1}' }],
        usage: { promptTokens: 5, completionTokens: 3 },
        finishReason: 'tool_calls'
      })
    })

    it('fails on an error payload in the stream, keeps what came before, and does not retry after the first token', async () => {
      pieces = [chunk({ content: 'partial' }), `data: ${JSON.stringify({ error: { message: 'overloaded', type: 'server_error' } })}\n\n`]
      requests = 0
      const err = await call().catch((e: unknown) => e)
      expect(err).toBeInstanceOf(ModelCallError)
      expect((err as ModelCallError).partial.text).toBe('partial')
      expect((err as ModelCallError).fault.message).toContain('overloaded')
      expect((err as ModelCallError).aborted).toBe(false)
      expect(requests).toBe(1)
    })

    it('stops at once when aborted mid-stream, keeping what came, and closes the connection', async () => {
      pieces = [chunk({ content: 'so far' })]
      hang = true
      const ac = new AbortController()
      const deltas: string[] = []
      const pending = call(deltas, ac.signal)
      while (!deltas.length) await new Promise((r) => setTimeout(r, 5))
      ac.abort()
      const err = (await pending.catch((e: unknown) => e)) as ModelCallError
      hang = false
      expect(err).toBeInstanceOf(ModelCallError)
      expect(err.aborted).toBe(true)
      expect(err.partial.text).toBe('so far')
      await closed
    })

    it('gives up on a stream that stalls after its first token (idle timeout), keeping what came', async () => {
      pieces = [chunk({ content: 'so far' })]
      hang = true
      const err = (await streamModelCall(
        client,
        { model: 'm', messages: [{ role: 'user', content: 'hi' }] },
        { signal: AbortSignal.timeout(10_000), baseUrl, name: 'Slow', timeouts: { connectMs: 5_000, firstTokenMs: 5_000, idleMs: 100 }, onDelta: () => {} }
      ).catch((e: unknown) => e)) as ModelCallError
      hang = false
      expect(err).toBeInstanceOf(ModelCallError)
      expect(err.aborted).toBe(false)
      expect(err.partial.text).toBe('so far')
      expect(err.fault).toEqual({
        code: 'upstream_error',
        message: expect.stringMatching(/^The provider "Slow" .*nothing for 100 ms \(idle timeout\)$/),
        // The same words as a code for the studio to translate (issue 15, defect 7).
        reason: 'provider_error',
        params: { detail: expect.stringMatching(/idle timeout/) },
        retryable: false
      })
      await closed
    })

    it('fails on a chunk that is not JSON or not of the chunk shape, naming what was wrong', async () => {
      pieces = [chunk({ content: 'ok' }), 'data: {"choices": [\n\n']
      let err = (await call().catch((e: unknown) => e)) as ModelCallError
      expect(err.fault.message).toMatch(/sent a chunk that is not JSON: \{"choices": \[/)
      pieces = [chunk({ tool_calls: [{ index: 0, function: { name: 7 } }] })]
      err = (await call().catch((e: unknown) => e)) as ModelCallError
      expect(err.fault.message).toMatch(/malformed chunk \(choices\.0\.delta\.tool_calls\.0\.function\.name: /)
    })

    it('maps an error status with its body, as the SDK does', async () => {
      status = 401
      const err = (await call().catch((e: unknown) => e)) as ModelCallError
      status = 200
      expect(err.fault.code).toBe('unauthorized')
      expect(err.fault.message).toContain('bad key')
    })

    it('says the provider is unreachable when nothing listens', async () => {
      const dead = new OpenAI({ baseURL: 'http://127.0.0.1:9/v1', apiKey: 'x', maxRetries: 0, ...(fetchImpl && { fetch: fetchImpl }) })
      const err = (await streamModelCall(
        dead,
        { model: 'm', messages: [] },
        { signal: AbortSignal.timeout(10_000), baseUrl: 'http://127.0.0.1:9/v1', retry: { attempts: 1, baseDelayMs: 1 }, onDelta: () => {} }
      ).catch((e: unknown) => e)) as ModelCallError
      expect(err.fault.code).toBe('unreachable')
    })
    it('reads past [DONE] to the end of the response, so the next call reuses the connection', async () => {
      pieces = [chunk({ content: 'one' }), 'data: [DONE]\n\n']
      lateEnd = true
      await call()
      const before = connections
      await call()
      lateEnd = false
      expect(connections).toBe(before)
    })
  })

describe('nodeFetch on a kept-alive connection', () => {
  it('sends the request again on a new connection when the server dropped the idle one', async () => {
    // A provider that answers the first request and then closes the same connection without a
    // word at the next one, as a server does whose keep-alive timeout ran out at that moment.
    const served: number[] = []
    const sockets = new Map<unknown, number>()
    const server = createServer((req, res) => {
      const seen = (sockets.get(req.socket) ?? 0) + 1
      sockets.set(req.socket, seen)
      if (seen === 2) return req.socket.destroy()
      served.push(sockets.size)
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ n: served.length }))
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/models`
    try {
      expect(await (await nodeFetch(url, { method: 'POST', body: '{}' })).json()).toEqual({ n: 1 })
      // The pooled connection is reused, dropped, and the request answered on a second connection.
      expect(await (await nodeFetch(url, { method: 'POST', body: '{}' })).json()).toEqual({ n: 2 })
      expect(served).toEqual([1, 2])
    } finally {
      server.closeAllConnections()
      await new Promise((r) => server.close(r))
    }
  })
})
