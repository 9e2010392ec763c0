import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { SseDecoder } from '../../../src-main/base/web/sse'
import type { BridgeStreamMessage } from '../../../src-main/contract/bridge'
import type { TurnEvent } from '../../../src-main/contract/chat'
import { createApi } from '../../../src-renderer/src/api/client'
import { ApiError } from '../../../src-renderer/src/api/errors'
import { httpStream, httpTransport } from '../../../src-renderer/src/api/http'
import { ipcStream, ipcTransport } from '../../../src-renderer/src/api/ipc'
import { bootServer, type BootedServer } from '../../utils/boot'
import { startFakeLlm, type FakeLlm } from '../../utils/fake-llm'

// The renderer reads the studio's and the phone page's streams with the base layer's SSE parser.
describe('the SSE parser on our streams', () => {
  const FRAMES = ': keep-alive\n\ndata: {"a":1}\n\nevent: x\ndata: line one\ndata: line two\nid: 7\n\r\ndata:no-space\r\n\r\ndata: [DONE]\n\n'
  const parse = (chunks: string[]) => {
    const got: string[] = []
    const p = new SseDecoder((e) => got.push(e.data))
    const bytes = new TextEncoder()
    for (const c of chunks) p.push(bytes.encode(c))
    p.end()
    return got
  }
  const expected = ['{"a":1}', 'line one\nline two', 'no-space', '[DONE]']

  test('data frames, multi-line data, comments and CRLF', () => {
    expect(parse([FRAMES])).toEqual(expected)
  })
  test('any split of the byte stream gives the same frames (\\r\\n split across chunks too)', () => {
    for (let size = 1; size < 12; size++) {
      const chunks = FRAMES.match(new RegExp(`[\\s\\S]{1,${size}}`, 'g'))!
      expect(parse(chunks)).toEqual(expected)
    }
  })
  test('a last frame without its blank line still counts', () => {
    expect(parse(['data: tail'])).toEqual(['tail'])
  })
})

describe('httpStream against the server', () => {
  let srv: BootedServer
  let llm: FakeLlm
  let sessionId: string
  const api = () => createApi(httpTransport(srv.url, { token: srv.token }), {}, httpStream(srv.url, { token: srv.token }))

  beforeAll(async () => {
    ;[srv, llm] = await Promise.all([bootServer(), startFakeLlm()])
    const p = await srv.api('POST', '/api/providers', { name: 'Fake', baseUrl: llm.baseUrl })
    const a = await srv.api('POST', '/api/agents', { name: 'A', providerId: p.body.id, model: 'fake-chat' })
    sessionId = (await srv.api('POST', '/api/sessions', { agentId: a.body.id })).body.id
  })
  afterAll(() => Promise.all([srv.close(), llm.close()]))

  test('a turn streams start, deltas and done; done resolves', async () => {
    llm.script({ chunks: ['Hel', 'lo'] })
    const events: TurnEvent[] = []
    const h = api().stream('chat.turn', { sessionId, message: 'hi' }, (e) => events.push(e))
    await h.done
    expect(events[0]).toMatchObject({ type: 'start', sessionId })
    expect(
      events
        .filter((e) => e.type === 'delta')
        .map((e) => (e as { content: string }).content)
        .join('')
    ).toBe('Hello')
    expect(events.at(-1)).toMatchObject({ type: 'done', status: 'ok' })
  })

  test('a refused request rejects with the server error before any event', async () => {
    const onEvent = vi.fn()
    const err = await api()
      .stream('chat.turn', { sessionId: 'nope', message: 'hi' }, onEvent)
      .done.catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect(err).toMatchObject({ code: 'not_found', status: 404 })
    expect(onEvent).not.toHaveBeenCalled()
  })

  test('cancel resolves done and stops the model request', async () => {
    llm.script({ chunks: Array.from({ length: 200 }, (_, i) => `w${i} `), chunkDelayMs: 20 })
    let deltas = 0
    const h = api().stream('chat.turn', { sessionId, message: 'long' }, (e) => {
      if (e.type === 'delta' && ++deltas === 3) h.cancel()
    })
    await expect(h.done).resolves.toBeUndefined()
    await vi.waitFor(() => expect(llm.requests.at(-1)?.aborted).toBe(true))
  })

  test('without a token: 401 goes to onUnauthorized', async () => {
    const onUnauthorized = vi.fn()
    const bare = createApi(httpTransport(srv.url), { onUnauthorized }, httpStream(srv.url))
    await expect(bare.stream('chat.turn', { sessionId, message: 'x' }, () => {}).done).rejects.toMatchObject({ code: 'unauthorized' })
    expect(onUnauthorized).toHaveBeenCalledOnce()
  })
})

describe('ipcStream with a fake bridge', () => {
  function fakeBridge() {
    let emit!: (m: BridgeStreamMessage) => void
    const cancel = vi.fn()
    const bridge = {
      host: 'electron' as const,
      call: vi.fn(),
      onEvent: () => () => {},
      pathForFile: () => '',
      stream: vi.fn((_name: string, _input: unknown, onMessage: (m: BridgeStreamMessage) => void) => {
        emit = onMessage
        return cancel
      })
    }
    return { bridge, cancel, emit: (m: BridgeStreamMessage) => emit(m) }
  }

  test('events in order, then end', async () => {
    const { bridge, emit } = fakeBridge()
    const got: TurnEvent[] = []
    const h = createApi(ipcTransport(bridge), {}, ipcStream(bridge)).stream('chat.turn', { sessionId: 's', message: 'm' }, (e) => got.push(e))
    expect(bridge.stream).toHaveBeenCalledWith('chat.turn', { sessionId: 's', message: 'm' }, expect.any(Function))
    emit({ type: 'event', event: { type: 'delta', content: 'a' } })
    emit({ type: 'event', event: { type: 'tool_progress', id: 'c', name: 'slow', progress: 1, total: 2 } })
    emit({ type: 'event', event: { type: 'not-a-turn-event' } })
    emit({ type: 'event', event: { type: 'done', status: 'ok', messageId: 'm1', usage: { promptTokens: 1, completionTokens: 1 } } })
    emit({ type: 'end' })
    await h.done
    expect(got.map((e) => e.type)).toEqual(['delta', 'tool_progress', 'done'])
  })

  test('an error message rejects with an ApiError of its code', async () => {
    const { bridge, emit } = fakeBridge()
    const h = createApi(ipcTransport(bridge), {}, ipcStream(bridge)).stream('chat.turn', { sessionId: 's' }, () => {})
    emit({ type: 'error', error: { code: 'conflict', message: 'belongs to another agent' } })
    await expect(h.done).rejects.toMatchObject({ code: 'conflict', status: 409, message: 'belongs to another agent' })
  })

  test('cancel calls the bridge cancel and resolves', async () => {
    const { bridge, cancel } = fakeBridge()
    const h = createApi(ipcTransport(bridge), {}, ipcStream(bridge)).stream('chat.turn', { sessionId: 's' }, () => {})
    h.cancel()
    await h.done
    expect(cancel).toHaveBeenCalledOnce()
  })
})
