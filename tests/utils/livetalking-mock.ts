// A LiveTalking stand-in for the photoreal adapter's tests: `/offer` answers with a real WebRTC
// peer (@roamhq/wrtc) sending a video track (a colour sweeping across the frame, so frames change)
// and an audio track (a tone while "speaking", silence otherwise); `/human` records each sentence;
// `/is_speaking` is true for a while after each sentence; `/interrupt_talk` stops it. Either reply
// shape (lipku or the Agenta fork), integer or uuid session ids, a session limit, and restart()
// (all sessions gone, the port closed for a moment, then back) are switches.
import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'

// A native CommonJS addon without types.
const wrtc = createRequire(import.meta.url)('@roamhq/wrtc')

export interface LiveTalkingMockOptions {
  /** `lipku`: {code,msg,data}, /interrupt_talk exists. `fork`: {code,data}, 404 + reconnect, no /interrupt_talk. */
  shape?: 'lipku' | 'fork'
  sessionIds?: 'int' | 'uuid'
  /** /offer answers the session-limit reply once this many sessions are open. */
  maxSessions?: number
  /** Speaking time per character of a sentence (default 40 ms, at least 300 ms a sentence). */
  msPerChar?: number
  /** Delay before answering /human (to check the client never sends two at once). */
  humanDelayMs?: number
  /** /human answers `{code:-1, msg:"tts failed"}` for a sentence containing this. */
  refuse?: string
  /** false: the session opens but no media ever flows (what a kiosk sees when UDP is blocked). */
  media?: boolean
}

export interface MockEvent {
  path: string
  sessionid?: unknown
  text?: string
  type?: string
  interrupt?: boolean
  /** /human requests being handled at the same time, this one included. */
  inFlight?: number
  body?: Record<string, unknown>
}

interface Session {
  id: number | string
  pc: any
  timers: NodeJS.Timeout[]
  speakingUntil: number
}

export interface LiveTalkingMock {
  url: string
  events: MockEvent[]
  /** The /human sentences in arrival order. */
  sentences(): string[]
  openSessions(): number
  /** The service restarts: every session is dropped, the port is closed and listens again. */
  restart(): Promise<void>
  close(): Promise<void>
}

const W = 320
const H = 240

function videoFrames(session: Session) {
  const source = new wrtc.nonstandard.RTCVideoSource()
  const data = new Uint8ClampedArray(W * H * 1.5)
  let n = 0
  session.timers.push(
    setInterval(() => {
      // Y: a bright band sweeping right; U/V: a hue drifting with time.
      const band = (n * 8) % W
      for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) data[y * W + x] = Math.abs(x - band) < 40 ? 220 : 60
      data.fill((n * 3) % 256, W * H, W * H * 1.25)
      data.fill(255 - ((n * 3) % 256), W * H * 1.25)
      source.onFrame({ width: W, height: H, data })
      n++
    }, 1000 / 15)
  )
  return source.createTrack()
}

function audioFrames(session: Session) {
  const source = new wrtc.nonstandard.RTCAudioSource()
  const samples = new Int16Array(480) // 10 ms at 48 kHz
  let t = 0
  session.timers.push(
    setInterval(() => {
      const speaking = Date.now() < session.speakingUntil
      for (let i = 0; i < samples.length; i++, t++) samples[i] = speaking ? Math.round(6000 * Math.sin((2 * Math.PI * 220 * t) / 48000)) : 0
      source.onData({ samples, sampleRate: 48000, bitsPerSample: 16, channelCount: 1, numberOfFrames: samples.length })
    }, 10)
  )
  return source.createTrack()
}

export async function startLiveTalkingMock(opts: LiveTalkingMockOptions = {}): Promise<LiveTalkingMock> {
  const shape = opts.shape ?? 'lipku'
  const sessions = new Map<string, Session>()
  const events: MockEvent[] = []
  let inFlight = 0
  let server: Server
  let port = 0

  const ok = (data?: unknown) => (shape === 'lipku' ? { code: 0, msg: 'ok', ...(data === undefined ? {} : { data }) } : { code: 0, data: data ?? 'ok' })
  const lost = (id: unknown) => (shape === 'lipku' ? { code: -1, msg: `'${String(id)}'` } : { code: 404, data: 'session not found', reconnect: true })

  function drop(s: Session) {
    for (const t of s.timers) clearInterval(t)
    s.pc.close()
    sessions.delete(String(s.id))
  }

  async function offer(body: Record<string, unknown>) {
    if (opts.maxSessions !== undefined && sessions.size >= opts.maxSessions) return { code: -1, msg: 'reach max session' }
    const id = opts.sessionIds === 'uuid' ? randomUUID() : 100000 + Math.floor(Math.random() * 900000)
    const pc = new wrtc.RTCPeerConnection({ iceServers: [] })
    const session: Session = { id, pc, timers: [], speakingUntil: 0 }
    sessions.set(String(id), session)
    const stream = new wrtc.MediaStream()
    await pc.setRemoteDescription({ type: 'offer', sdp: body.sdp })
    // LiveTalking adds audio, then video.
    if (opts.media !== false) {
      pc.addTrack(audioFrames(session), stream)
      pc.addTrack(videoFrames(session), stream)
    }
    await pc.setLocalDescription(await pc.createAnswer())
    if (pc.iceGatheringState !== 'complete') {
      await new Promise<void>((resolve) => {
        pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && resolve()
        setTimeout(resolve, 3000)
      })
    }
    return { sdp: pc.localDescription.sdp, type: 'answer', sessionid: id }
  }

  async function route(path: string, body: Record<string, unknown>): Promise<[number, unknown]> {
    if (path === '/offer') {
      events.push({ path, body: { ...body, sdp: undefined } })
      return [200, await offer(body)]
    }
    const id = body.sessionid
    const session = sessions.get(String(id))
    if (path === '/human') {
      inFlight++
      try {
        events.push({ path, sessionid: id, text: body.text as string, type: body.type as string, interrupt: body.interrupt === true, inFlight })
        if (opts.humanDelayMs) await new Promise((r) => setTimeout(r, opts.humanDelayMs))
        if (!session) return [200, lost(id)]
        if (opts.refuse && String(body.text).includes(opts.refuse))
          return [200, shape === 'lipku' ? { code: -1, msg: 'tts failed' } : { code: -1, data: 'tts failed' }]
        const now = Date.now()
        if (body.interrupt) session.speakingUntil = now
        const ms = Math.max(300, String(body.text).length * (opts.msPerChar ?? 40))
        session.speakingUntil = Math.max(now, session.speakingUntil) + ms
        return [200, ok()]
      } finally {
        inFlight--
      }
    }
    if (path === '/interrupt_talk' && shape === 'lipku') {
      events.push({ path, sessionid: id })
      if (!session) return [200, lost(id)]
      session.speakingUntil = Date.now()
      return [200, ok()]
    }
    if (path === '/is_speaking') {
      if (!session) return [200, lost(id)]
      const speaking = Date.now() < session.speakingUntil
      return [200, shape === 'lipku' ? ok(speaking) : { code: 0, data: speaking }]
    }
    return [404, '404: Not Found']
  }

  function handle(req: IncomingMessage, res: ServerResponse) {
    // CORS open, as LiveTalking's is: the kiosk page is served from elsewhere.
    res.setHeader('access-control-allow-origin', '*')
    res.setHeader('access-control-allow-headers', 'content-type')
    res.setHeader('access-control-allow-methods', 'POST, GET, OPTIONS')
    if (req.method === 'OPTIONS') return void res.writeHead(204).end()
    const parts: Buffer[] = []
    req.on('data', (b: Buffer) => parts.push(b))
    req.on('end', () => {
      let body: Record<string, unknown> = {}
      try {
        body = JSON.parse(Buffer.concat(parts).toString('utf8') || '{}')
      } catch {
        return void res.writeHead(400, { 'content-type': 'text/plain' }).end('bad json')
      }
      route((req.url ?? '/').split('?')[0], body).then(
        ([status, reply]) =>
          typeof reply === 'string'
            ? res.writeHead(status, { 'content-type': 'text/plain' }).end(reply)
            : res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(reply)),
        (err: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(err.message)
      )
    })
  }

  async function listen() {
    server = createServer(handle)
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r))
    port = (server.address() as AddressInfo).port
  }

  async function stop() {
    for (const s of [...sessions.values()]) drop(s)
    server.closeAllConnections()
    await new Promise((r) => server.close(r))
  }

  await listen()
  return {
    url: `http://127.0.0.1:${port}`,
    events,
    sentences: () => events.filter((e) => e.path === '/human').map((e) => e.text!),
    openSessions: () => sessions.size,
    async restart() {
      await stop()
      await listen()
    },
    close: stop
  }
}
