import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ModelCallError, streamModelCall } from '../../../src-main/core/chat/model-call'
import { SseDecoder, type SseEvent } from '../../../src-main/core/chat/sse-reader'

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

  it('still hands over an event the stream ended without closing', () => {
    expect(decode('data: one\n\ndata: two')).toEqual([
      { event: null, data: 'one' },
      { event: null, data: 'two' }
    ])
  })
})

describe('streamModelCall reading the provider stream', () => {
  let server: Server
  let client: OpenAI
  let baseUrl: string
  /** The raw SSE body the next request gets, written in these pieces. */
  let pieces: string[] = []
  let requests = 0

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests++
      req.resume()
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      for (const p of pieces) res.write(p)
      res.end()
    })
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`
    client = new OpenAI({ baseURL: baseUrl, apiKey: 'x', maxRetries: 0 })
  })
  afterAll(() => new Promise<void>((ok) => server.close(() => ok())))

  const chunk = (delta: object, extra: object = {}) => `data: ${JSON.stringify({ choices: [{ index: 0, delta, finish_reason: null }], ...extra })}\r\n\r\n`
  const call = (deltas: string[] = []) =>
    streamModelCall(
      client,
      { model: 'm', messages: [{ role: 'user', content: 'hi' }] },
      { signal: AbortSignal.timeout(10_000), baseUrl, retry: { attempts: 3, baseDelayMs: 1 }, onDelta: (t) => deltas.push(t) }
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
})
