// A client for a LiveTalking-compatible photoreal avatar service (lipku/LiveTalking or the Agenta
// fork): WebRTC through `/offer` (non-trickle: the offer goes out with every ICE candidate),
// sentences through `/human` (type `echo`, strictly one after another, in order), interrupt
// (`/interrupt_talk`, or the `interrupt` flag on the next `/human` where that route is missing),
// `/is_speaking`, and a new session when the old one is lost (the service restarted, answered
// that the session is unknown, or the peer connection failed). No node:*: it runs in the kiosk
// page; tests hand it @roamhq/wrtc's RTCPeerConnection to run in Node.
import { parseOfferReply, parseReply, speakingOf, type Reply, type SessionId } from './replies'

export type LiveTalkingFault = 'unreachable' | 'session-limit' | 'session-lost' | 'no-video' | 'error'

export class LiveTalkingError extends Error {
  constructor(
    readonly kind: LiveTalkingFault,
    message: string,
    options?: { cause?: unknown }
  ) {
    super(message, options)
    this.name = 'LiveTalkingError'
  }
}

export interface LiveTalkingOptions {
  /** The service's base URL, e.g. `http://10.0.0.5:8010`. */
  url: string
  /** STUN/TURN servers: without a TURN relay the video stays black where UDP ports are closed. */
  iceServers?: RTCIceServer[]
  /** The avatar to load (sent as `avatar` for lipku, `avatar_id` for the fork). */
  avatar?: string
  /** More `/offer` fields as the service expects them (`bg_id`, `opt: {voice}`, `custom_config`, …). */
  offer?: Record<string, unknown>
  /** `tts` options sent with every `/human` (`{voice, emotion}`), when the service takes them. */
  tts?: Record<string, unknown>
  /** Per request (default 10 s). */
  timeoutMs?: number
  /** How long to wait for ICE gathering before sending the offer with what is there (default 5 s). */
  iceGatheringMs?: number
  /** Tries to get a new session when the old one is lost (default 3, spaced 0.5 s, 1 s, 2 s …). */
  reconnectAttempts?: number
  /** How long a "disconnected" peer connection may recover before the service is asked whether the session lives (default 2 s). */
  disconnectGraceMs?: number
  fetch?: typeof fetch
  RTCPeerConnection?: typeof RTCPeerConnection
  /** The remote media: called again with the new tracks after every reconnect. */
  onTrack?(track: MediaStreamTrack, streams: readonly MediaStream[]): void
  /** A new session (the first, or after a reconnect). */
  onSession?(sessionId: SessionId, reconnected: boolean): void
  /** The peer connection failed: a reconnect starts. */
  onLost?(reason: string): void
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export class LiveTalkingClient {
  readonly url: string
  private pc: RTCPeerConnection | undefined
  private session: SessionId | undefined
  private connecting: Promise<SessionId> | undefined
  private chain: Promise<unknown> = Promise.resolve()
  private generation = 0
  /** The service has no /interrupt_talk (the fork): the next /human carries `interrupt: true`. */
  private interruptByFlag = false
  private pendingInterrupt = false
  private closed = false
  private sessions = 0

  constructor(private readonly opts: LiveTalkingOptions) {
    this.url = opts.url.replace(/\/+$/, '')
  }

  get sessionId(): SessionId | undefined {
    return this.session
  }

  /** Opens a session (or returns the one open). Throws LiveTalkingError: unreachable, session-limit, error. */
  connect(): Promise<SessionId> {
    if (this.session !== undefined && this.pc) return Promise.resolve(this.session)
    this.connecting ??= this.open().finally(() => (this.connecting = undefined))
    return this.connecting
  }

  /** Drops the session and opens a new one, retrying while the service comes back. */
  reconnect(): Promise<SessionId> {
    if (this.connecting) return this.connecting
    this.dropSession()
    const attempts = Math.max(1, this.opts.reconnectAttempts ?? 3)
    this.connecting = (async () => {
      for (let i = 0; ; i++) {
        try {
          return await this.open()
        } catch (err) {
          // A restarting service refuses connections for a moment; a full one will not change.
          if (i + 1 >= attempts || (err instanceof LiveTalkingError && err.kind === 'session-limit')) throw err
          await sleep(500 * 2 ** i)
        }
      }
    })().finally(() => (this.connecting = undefined))
    return this.connecting
  }

  /**
   * Sends one sentence to speak (`echo`). Sentences go out strictly in call order, each after the
   * previous one's reply; a lost session is replaced and the sentence sent again once.
   * `interrupt: true` makes the service drop what it is still saying first (a new turn).
   */
  say(text: string, options: { interrupt?: boolean } = {}): Promise<void> {
    const generation = this.generation
    const job = this.chain.then(async () => {
      // interrupt() came after this sentence was queued: the old turn is over, drop it.
      if (generation !== this.generation) return
      const interrupt = options.interrupt === true || this.pendingInterrupt
      const body = (sessionid: SessionId) => ({ sessionid, text, type: 'echo', interrupt, ...(this.opts.tts ? { tts: this.opts.tts } : {}) })
      await this.call('/human', body)
      if (interrupt) this.pendingInterrupt = false
    })
    this.chain = job.catch(() => undefined)
    return job
  }

  /** Barge-in: the service stops talking now; sentences queued but not yet sent are dropped. */
  async interrupt(): Promise<void> {
    this.generation++
    if (this.session === undefined) return
    if (this.interruptByFlag) {
      this.pendingInterrupt = true
      return
    }
    const { status, json } = await this.post('/interrupt_talk', { sessionid: this.session })
    if (status === 404 && (typeof json !== 'object' || json === null)) {
      // The route is missing (the Agenta fork): interrupt rides on the next /human instead.
      this.interruptByFlag = true
      this.pendingInterrupt = true
      return
    }
    const reply = parseReply(json, this.session)
    if (reply.kind !== 'ok') throw this.fault(reply, '/interrupt_talk')
  }

  /** Whether the avatar is talking now. */
  async isSpeaking(): Promise<boolean> {
    const session = this.session ?? (await this.connect())
    const { json } = await this.post('/is_speaking', { sessionid: session })
    const reply = parseReply(json, session)
    if (reply.kind !== 'ok') throw this.fault(reply, '/is_speaking')
    return speakingOf(reply)
  }

  close(): void {
    this.closed = true
    this.generation++
    this.dropSession()
  }

  /** Posts with the current session; a lost session is replaced once and the request repeated. */
  private async call(path: string, body: (session: SessionId) => Record<string, unknown>): Promise<Reply> {
    for (let attempt = 0; ; attempt++) {
      let session: SessionId
      try {
        session = await this.connect()
      } catch (err) {
        if (attempt === 0 && err instanceof LiveTalkingError && err.kind === 'unreachable') {
          session = await this.reconnect()
        } else throw err
      }
      let reply: Reply
      try {
        reply = parseReply((await this.post(path, body(session))).json, session)
      } catch (err) {
        // The service went away under us (restart): a new session once it is back.
        if (attempt === 0 && err instanceof LiveTalkingError && err.kind === 'unreachable') {
          await this.reconnect()
          continue
        }
        throw err
      }
      if (reply.kind === 'ok') return reply
      if (reply.kind === 'session-lost' && attempt === 0) {
        await this.reconnect()
        continue
      }
      throw this.fault(reply, path)
    }
  }

  private fault(reply: Reply, path: string): LiveTalkingError {
    const kind = reply.kind === 'ok' ? 'error' : reply.kind
    return new LiveTalkingError(kind, `The photoreal avatar service answered ${path} with: ${reply.message}`)
  }

  private async post(path: string, body: unknown): Promise<{ status: number; json: unknown }> {
    const doFetch = this.opts.fetch ?? fetch
    let res: Response
    let text: string
    try {
      res = await doFetch(`${this.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000)
      })
      text = await res.text()
    } catch (err) {
      throw new LiveTalkingError('unreachable', `The photoreal avatar service at ${this.url} cannot be reached (${(err as Error).message}).`, { cause: err })
    }
    try {
      return { status: res.status, json: JSON.parse(text) }
    } catch {
      if (res.status >= 500 || res.status === 502 || res.status === 503) {
        throw new LiveTalkingError('unreachable', `The photoreal avatar service at ${this.url} answered HTTP ${res.status}.`)
      }
      return { status: res.status, json: text }
    }
  }

  private async open(): Promise<SessionId> {
    if (this.closed) throw new LiveTalkingError('error', 'The photoreal avatar client is closed.')
    const PC = this.opts.RTCPeerConnection ?? globalThis.RTCPeerConnection
    const pc = new PC({ iceServers: this.opts.iceServers ?? [] })
    try {
      pc.addTransceiver('video', { direction: 'recvonly' })
      pc.addTransceiver('audio', { direction: 'recvonly' })
      pc.ontrack = (e) => {
        if (this.pc === pc) this.opts.onTrack?.(e.track, e.streams)
      }
      await pc.setLocalDescription(await pc.createOffer())
      await this.iceGathered(pc)
      const local = pc.localDescription!
      const avatar = this.opts.avatar === undefined ? {} : { avatar: this.opts.avatar, avatar_id: this.opts.avatar }
      const { status, json } = await this.post('/offer', { sdp: local.sdp, type: local.type, ...avatar, ...this.opts.offer })
      const answer = parseOfferReply(json)
      if ('kind' in answer) {
        if (answer.kind === 'session-limit') {
          throw new LiveTalkingError('session-limit', `The photoreal avatar service has no free session (${answer.message}).`)
        }
        throw new LiveTalkingError('error', `The photoreal avatar service refused the connection (HTTP ${status}: ${answer.message}).`)
      }
      this.pc = pc
      this.session = answer.sessionId
      await pc.setRemoteDescription({ type: 'answer', sdp: answer.sdp })
      let probe: ReturnType<typeof setTimeout> | undefined
      const lost = (reason: string) => {
        this.opts.onLost?.(reason)
        this.reconnect().catch(() => undefined) // the next say() reports the failure
      }
      pc.onconnectionstatechange = () => {
        clearTimeout(probe)
        if (this.pc !== pc || this.closed) return
        if (pc.connectionState === 'failed' || pc.connectionState === 'closed') lost(`peer connection ${pc.connectionState}`)
        else if (pc.connectionState === 'disconnected') {
          // Chromium takes ~15 s to call a dead peer "failed"; a network blip recovers by itself.
          // After a short grace, ask the service whether the session still exists.
          probe = setTimeout(() => {
            if (this.pc !== pc || pc.connectionState !== 'disconnected') return
            this.isSpeaking().then(
              () => undefined,
              (err: unknown) => {
                if (this.pc === pc && err instanceof LiveTalkingError && (err.kind === 'session-lost' || err.kind === 'unreachable')) lost(err.message)
              }
            )
          }, this.opts.disconnectGraceMs ?? 2_000)
        }
      }
      const reconnected = this.sessions++ > 0
      this.opts.onSession?.(answer.sessionId, reconnected)
      return answer.sessionId
    } catch (err) {
      if (this.pc === pc) this.dropSession()
      else pc.close()
      throw err
    }
  }

  private iceGathered(pc: RTCPeerConnection): Promise<void> {
    if (pc.iceGatheringState === 'complete') return Promise.resolve()
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.opts.iceGatheringMs ?? 5_000)
      function done() {
        clearTimeout(timer)
        pc.removeEventListener('icegatheringstatechange', check)
        resolve()
      }
      function check() {
        if (pc.iceGatheringState === 'complete') done()
      }
      pc.addEventListener('icegatheringstatechange', check)
    })
  }

  private dropSession(): void {
    const pc = this.pc
    this.pc = undefined
    this.session = undefined
    this.pendingInterrupt = false
    if (pc) {
      pc.onconnectionstatechange = null
      pc.ontrack = null
      pc.close()
    }
  }
}
