import express from 'express'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { HEARTBEAT_MS, openSse, type SseStream } from '../../../src-main/server/chat/sse'

let url: string
let close: () => Promise<void>
const streams: SseStream[] = []

beforeAll(async () => {
  const app = express()
  app.get('/sse', (req, res) => {
    streams.push(openSse(req, res))
  })
  const server = app.listen(0, '127.0.0.1')
  await new Promise((r) => server.once('listening', r))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sse`
  close = () =>
    new Promise((r) => {
      server.closeAllConnections()
      server.close(() => r())
    })
})
afterAll(() => close?.())

async function readUntil(reader: ReadableStreamDefaultReader<string>, text: string, have = ''): Promise<string> {
  while (!have.includes(text)) {
    const { value, done } = await reader.read()
    if (done) break
    have += value
  }
  return have
}

describe('openSse', () => {
  it('sends headers at once, frames data, keeps quiet streams alive with comments, and signals a client leaving', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] })
    try {
      const ac = new AbortController()
      const res = await fetch(url, { signal: ac.signal })
      expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8')
      expect(res.headers.get('x-accel-buffering')).toBe('no')
      const sse = streams.at(-1)!
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader()

      sse.data({ content: 'a', card: null })
      sse.data('[DONE]')
      expect(await readUntil(reader, '[DONE]')).toBe('data: {"content":"a","card":null}\n\ndata: [DONE]\n\n')

      // Nothing written for a heartbeat interval: a comment line, which SSE parsers ignore.
      vi.advanceTimersByTime(HEARTBEAT_MS + 5_000)
      expect(await readUntil(reader, '\n\n')).toBe(': keep-alive\n\n')

      const left = new Promise((r) => sse.signal.addEventListener('abort', r))
      ac.abort()
      await left
      expect(sse.signal.aborted).toBe(true)
    } finally {
      vi.useRealTimers()
    }
  })

  it('sends a frame written on its own while the stream stays open, and frames written together in order', async () => {
    const ac = new AbortController()
    const res = await fetch(url, { signal: ac.signal })
    const sse = streams.at(-1)!
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader()
    sse.data({ content: 'alone' })
    expect(await readUntil(reader, '\n\n')).toBe('data: {"content":"alone"}\n\n')
    for (const c of ['1', '2', '3']) sse.data({ content: c })
    expect(await readUntil(reader, '"3"}\n\n')).toBe('data: {"content":"1"}\n\ndata: {"content":"2"}\n\ndata: {"content":"3"}\n\n')
    ac.abort()
  })

  it('does not signal abort when the server ends the stream', async () => {
    const res = await fetch(url)
    const sse = streams.at(-1)!
    sse.data('[DONE]')
    sse.end()
    expect(await res.text()).toBe('data: [DONE]\n\n')
    expect(sse.signal.aborted).toBe(false)
  })
})
