// The LiveTalking client in Node: both reply shapes, integer and uuid session ids sent back as
// given, sentences strictly in order (never two /human requests at once), a lost session replaced,
// the session limit and an unreachable service reported as such. Against the LiveTalking mock
// (a real HTTP server with a real WebRTC peer, @roamhq/wrtc on both sides).
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, test } from 'vitest'
import { LiveTalkingClient, LiveTalkingError } from '../../../digitalhuman/livetalking/client'
import { parseOfferReply, parseReply, speakingOf } from '../../../digitalhuman/livetalking/replies'
import { startLiveTalkingMock, type LiveTalkingMock } from '../../utils/livetalking-mock'

// eslint-disable-next-line @typescript-eslint/no-require-imports
const wrtc = require('@roamhq/wrtc')

describe('LiveTalking replies', () => {
  test('both shapes of success, /is_speaking true and false, older servers without msg', () => {
    expect(parseReply({ code: 0, msg: 'ok' }).kind).toBe('ok')
    expect(parseReply({ code: 0, data: 'ok' }).kind).toBe('ok')
    expect(speakingOf(parseReply({ code: 0, msg: 'ok', data: true }))).toBe(true)
    expect(speakingOf(parseReply({ code: 0, data: false }))).toBe(false)
    expect(speakingOf(parseReply({ code: 0, data: true }))).toBe(true)
  })

  test('a lost session in either shape, a session limit, other errors', () => {
    expect(parseReply({ code: 404, data: 'session not found', reconnect: true }, 'a-b').kind).toBe('session-lost')
    expect(parseReply({ code: -1, msg: "'123456'" }, 123456).kind).toBe('session-lost')
    expect(parseReply({ code: -1, msg: 'session 9 not found' }).kind).toBe('session-lost')
    expect(parseReply({ code: -1, msg: 'reach max session' }).kind).toBe('session-limit')
    expect(parseReply({ code: -1, msg: 'tts failed' })).toEqual({ kind: 'error', message: 'tts failed' })
    expect(parseReply('404: Not Found').kind).toBe('error')
  })

  test('/offer: integer and uuid session ids kept as given; a refusal is the session limit', () => {
    expect(parseOfferReply({ sdp: 'v=0', type: 'answer', sessionid: 482913 })).toEqual({ sdp: 'v=0', type: 'answer', sessionId: 482913 })
    const uuid = '3f0c1a52-6a0e-4f7b-9a77-0c1e2d3b4a5f'
    expect(parseOfferReply({ sdp: 'v=0', type: 'answer', sessionid: uuid })).toEqual({ sdp: 'v=0', type: 'answer', sessionId: uuid })
    expect(parseOfferReply({ code: -1, msg: 'reach max session' })).toMatchObject({ kind: 'session-limit' })
    expect(parseOfferReply({ code: -1, msg: 'something' })).toMatchObject({ kind: 'session-limit' })
    expect(parseOfferReply({ sdp: 'v=0', type: 'answer' })).toMatchObject({ kind: 'error' })
  })
})

describe('LiveTalking client against the mock', () => {
  let mock: LiveTalkingMock | undefined
  let client: LiveTalkingClient | undefined
  afterEach(async () => {
    client?.close()
    await mock?.close()
    client = mock = undefined
  })

  const connectTo = (m: LiveTalkingMock, extra: Partial<ConstructorParameters<typeof LiveTalkingClient>[0]> = {}) =>
    (client = new LiveTalkingClient({ url: m.url, RTCPeerConnection: wrtc.RTCPeerConnection, avatar: 'wav2lip_avatar1', ...extra }))

  test.each([
    ['lipku', 'int'],
    ['fork', 'uuid']
  ] as const)('%s shape, %s session ids: the id goes back with the type it came with; sentences arrive in order as echo', async (shape, ids) => {
    mock = await startLiveTalkingMock({ shape, sessionIds: ids })
    const c = connectTo(mock)
    const id = await c.connect()
    expect(typeof id).toBe(ids === 'int' ? 'number' : 'string')
    await Promise.all(['第一句。', 'Second sentence.', '第三句！'].map((s, i) => c.say(s, { interrupt: i === 0 })))
    const human = mock.events.filter((e) => e.path === '/human')
    expect(human.map((e) => e.text)).toEqual(['第一句。', 'Second sentence.', '第三句！'])
    expect(human.map((e) => e.sessionid)).toEqual([id, id, id])
    expect(human.map((e) => e.type)).toEqual(['echo', 'echo', 'echo'])
    expect(human.map((e) => e.interrupt)).toEqual([true, false, false])
    expect(await c.isSpeaking()).toBe(true)
    expect(mock.events.find((e) => e.path === '/offer')!.body).toMatchObject({ type: 'offer', avatar: 'wav2lip_avatar1', avatar_id: 'wav2lip_avatar1' })
  })

  test('a slow service never gets two sentences at once, and still gets them in order', async () => {
    mock = await startLiveTalkingMock({ humanDelayMs: 150 })
    const c = connectTo(mock)
    const texts = Array.from({ length: 5 }, (_, i) => `Sentence ${i + 1}.`)
    await Promise.all(texts.map((t) => c.say(t)))
    expect(mock.sentences()).toEqual(texts)
    expect(Math.max(...mock.events.filter((e) => e.path === '/human').map((e) => e.inFlight!))).toBe(1)
  })

  test('interrupt: /interrupt_talk where it exists; the flag on the next /human where it does not; queued sentences dropped', async () => {
    // Old one. is still in flight (1 s) when interrupt() comes; Old two. and three. are queued.
    mock = await startLiveTalkingMock({ shape: 'lipku', humanDelayMs: 1000 })
    const c = connectTo(mock)
    await c.connect()
    const old = [c.say('Old one.'), c.say('Old two.'), c.say('Old three.')]
    await new Promise<void>((r) => {
      const poll = () => (mock!.sentences().length >= 1 ? r() : setTimeout(poll, 10))
      poll()
    })
    await c.interrupt()
    await Promise.all(old)
    await c.say('New turn.')
    expect(mock.sentences()).toEqual(['Old one.', 'New turn.'])
    expect(mock.events.map((e) => e.path)).toEqual(['/offer', '/human', '/interrupt_talk', '/human'])

    await mock.close()
    mock = await startLiveTalkingMock({ shape: 'fork' })
    const f = connectTo(mock)
    await f.say('Old.')
    await f.interrupt()
    await f.say('New.')
    expect(mock.events.filter((e) => e.path === '/human').map((e) => [e.text, e.interrupt])).toEqual([
      ['Old.', false],
      ['New.', true]
    ])
  })

  test.each(['lipku', 'fork'] as const)('%s: after a service restart the sentence goes out again on a new session', async (shape) => {
    mock = await startLiveTalkingMock({ shape, sessionIds: shape === 'fork' ? 'uuid' : 'int' })
    const sessions: unknown[] = []
    const c = connectTo(mock, { onSession: (id) => sessions.push(id) })
    await c.say('Before the restart.')
    await mock.restart()
    await c.say('After the restart.')
    expect(sessions).toHaveLength(2)
    expect(sessions[1]).not.toEqual(sessions[0])
    const human = mock.events.filter((e) => e.path === '/human' && e.text === 'After the restart.')
    expect(human.at(-1)!.sessionid).toEqual(sessions[1])
    expect(mock.openSessions()).toBe(1)
  })

  test('the configured ICE/TURN servers reach the peer connection', async () => {
    mock = await startLiveTalkingMock()
    const seen: RTCConfiguration[] = []
    class Recording extends wrtc.RTCPeerConnection {
      constructor(config: RTCConfiguration) {
        super(config)
        seen.push(config)
      }
    }
    const iceServers = [{ urls: 'turn:127.0.0.1:3478?transport=tcp', username: 'kiosk', credential: 'secret' }]
    await connectTo(mock, { iceServers, RTCPeerConnection: Recording as any }).connect()
    expect(seen).toEqual([{ iceServers }])
  })

  test('the session limit and an unreachable service are reported by kind with a clear message', async () => {
    mock = await startLiveTalkingMock({ maxSessions: 0 })
    const full = connectTo(mock)
    const err = await full.connect().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(LiveTalkingError)
    expect(err).toMatchObject({ kind: 'session-limit', message: expect.stringMatching(/no free session \(reach max session\)/) })

    const closed = createServer()
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r))
    const port = (closed.address() as AddressInfo).port
    await new Promise((r) => closed.close(r))
    const gone = new LiveTalkingClient({ url: `http://127.0.0.1:${port}`, RTCPeerConnection: wrtc.RTCPeerConnection, reconnectAttempts: 1 })
    await expect(gone.say('Hello.')).rejects.toMatchObject({ kind: 'unreachable', message: expect.stringMatching(/cannot be reached/) })
    gone.close()
  })
})
