// The kiosk: a full-screen avatar for a hall, a shop or a classroom. A visitor speaks (hands-free
// voice activity detection, listening.ts; or holding the microphone button), taps a quick phrase or
// types; the answer streams over the original chat protocol
// (/chat-init, /chat-message with is_digitalhuman) and is spoken sentence by sentence as it
// streams (segmenter → the server's /speech/synthesize → AvatarSpeaker), with subtitles. A visitor
// who starts speaking, or a new question, interrupts the old answer (barge-in); after `idleSeconds` alone it clears the
// conversation and greets again. No provider key reaches the page: only the agent's public key.
import { FramedAudio } from '../../../digitalhuman/audio/framed-audio'
import type { SentenceAudio } from '../../../digitalhuman/avatar/speaker'
import type { AvatarState } from '../../../digitalhuman/avatar/svg-avatar'
import { SpeechQueue } from '../../../digitalhuman/speech/speech-queue'
import { SpeechSegmenter } from '../../../digitalhuman/speech/segmenter'
import { readSse } from '../api/sse'
import { AvatarStage, type StageSpeaker } from './avatar-stage'
import type { VoiceListener } from './listening'
import { PushToTalk } from './recorder'
import { errorMessage, synthesize, transcribe } from './speech-api'
import type { KioskStrings } from './strings'
import type { KioskConfig } from '@contract/pages'

export type { KioskConfig }

/** The screen's own settings (the page's query: `?listen=push`, `?bargein=-42`). */
export interface KioskOptions {
  /** Hands-free voice activity detection (default) or hold-to-talk. */
  listen?: 'vad' | 'push'
  /** While the avatar speaks, how loud (dBFS) a visitor must be to interrupt it (barge-in.ts). */
  bargeInDb?: number
}

/** A recording shorter than this is a tap, not a question. */
const MIN_RECORDING_SECONDS = 0.3
/**
 * Answers spoken through one <audio> frame before a new one, when no idle reset came between (a
 * busy hall): what the frame's document keeps of each sentence goes with it (framed-audio.ts).
 */
const TURNS_PER_AUDIO_FRAME = 20

interface Turn {
  abort: AbortController
  queue: SpeechQueue<SentenceAudio | undefined>
  speaker: StageSpeaker
  spoken: Promise<unknown>
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag)
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v)
  if (text !== undefined) e.textContent = text
  return e
}

/** The microphone is denied, missing or held by another program: text is the way to ask. */
const micUnavailable = (err: unknown) =>
  err instanceof DOMException && ['NotAllowedError', 'SecurityError', 'NotFoundError', 'NotReadableError', 'OverconstrainedError'].includes(err.name)

export class Kiosk {
  private readonly root = el('main', { class: 'k-root', 'data-testid': 'kiosk' })
  private readonly stateBadge = el('span', { class: 'k-state', 'data-testid': 'kiosk-state', role: 'status' })
  private readonly welcome = el('section', { class: 'k-welcome', 'data-testid': 'kiosk-welcome' })
  private readonly question = el('p', { class: 'k-question', 'data-testid': 'kiosk-question' })
  private readonly subtitle = el('p', { class: 'k-subtitle', 'data-testid': 'kiosk-subtitle', 'aria-live': 'polite' })
  private readonly notice = el('p', { class: 'k-notice', 'data-testid': 'kiosk-notice', role: 'alert' })
  private readonly input = el('input', { class: 'k-text', 'data-testid': 'kiosk-input', type: 'text', maxlength: '2000', autocomplete: 'off' })
  private readonly mic = el('button', { class: 'k-mic', 'data-testid': 'kiosk-mic', type: 'button' })
  /** Hands-free mode: shows that the kiosk listens (data-live: starting, on, denied, off). */
  private readonly live = el('span', { class: 'k-live', 'data-testid': 'kiosk-live', hidden: '' })
  /** The avatar's voice: an <audio> element in a frame renewed per visitor (framed-audio.ts). */
  private readonly audio: FramedAudio
  private turnsOnAudio = 0
  /** The chat avatar by its kind (built-in, photoreal, 3D): ./avatar-stage.ts. */
  private readonly stage: AvatarStage
  private readonly recorder = new PushToTalk()
  private readonly userId = `kiosk-${Math.random().toString(36).slice(2, 10)}`
  private readonly headers: Record<string, string>
  private state: AvatarState = 'idle'
  private sessionId: string | null = null
  private turn: Turn | null = null
  private idleTimer: ReturnType<typeof setTimeout> | undefined
  private listener: VoiceListener | null = null
  /** The avatar's sentence paused by a voice that may be a barge-in (listening.ts onHold). */
  private held = false
  /** Transcriptions run one after another, so questions are asked in the order they were spoken. */
  private hearing: Promise<unknown> = Promise.resolve()

  constructor(
    host: HTMLElement,
    private readonly cfg: KioskConfig,
    private readonly t: KioskStrings,
    private readonly opts: KioskOptions = {}
  ) {
    this.headers = { 'content-type': 'application/json', 'x-agenta-key': cfg.key }
    const top = el('header', { class: 'k-top' })
    top.append(el('span', { class: 'k-name' }, cfg.name), this.stateBadge)
    const stage = el('section', { class: 'k-stage', 'data-testid': 'kiosk-avatar' })
    this.welcome.append(el('h1', {}, cfg.name), el('p', {}, cfg.welcomeMessage || t.idle))
    if (cfg.description) this.welcome.append(el('p', { class: 'k-desc' }, cfg.description))
    const phrases = el('nav', { class: 'k-phrases' })
    for (const p of cfg.quickPhrases) {
      const b = el('button', { type: 'button', class: 'k-phrase', 'data-testid': 'kiosk-phrase' }, p)
      b.addEventListener('click', () => void this.ask(p))
      phrases.append(b)
    }
    const form = el('form', { class: 'k-input' })
    this.input.placeholder = t.placeholder
    this.micLabel(t.talk)
    form.append(this.mic, this.live, this.input, el('button', { type: 'submit', class: 'k-send', 'data-testid': 'kiosk-send' }, t.send))
    form.addEventListener('submit', (e) => {
      e.preventDefault()
      const text = this.input.value.trim()
      this.input.value = ''
      if (text) void this.ask(text)
    })
    this.mic.addEventListener('pointerdown', (e) => {
      e.preventDefault()
      void this.startListening()
    })
    for (const ev of ['pointerup', 'pointerleave', 'pointercancel'] as const) this.mic.addEventListener(ev, () => void this.stopListening())
    const captions = el('section', { class: 'k-captions' })
    captions.append(this.question, this.subtitle, this.notice)
    this.root.append(top, stage, this.welcome, captions, phrases, form)
    host.append(this.root)
    this.audio = new FramedAudio(this.root, { 'data-testid': 'kiosk-audio' }, { 'data-testid': 'kiosk-audio-frame' })
    this.stage = new AvatarStage(stage, cfg.digitalHuman, { label: cfg.name, audio: () => this.audio.element, lang: t.lang })
    for (const ev of ['pointerdown', 'keydown'] as const) this.root.addEventListener(ev, () => this.touch())
    this.setState('idle')
    this.touch()
    if ((opts.listen ?? 'vad') === 'vad') void this.listenHandsFree()
  }

  /**
   * What went wrong, for the visitor in plain words and for the operator in full (the notice's
   * title and data-detail): the page has no log to write to, so the screen is where it shows.
   */
  private showProblem(message: string, err: unknown): void {
    const detail = err instanceof Error ? err.message : String(err)
    this.notice.textContent = message
    this.notice.title = detail
    this.notice.dataset.detail = detail
  }

  /** A drawn microphone, not an emoji: a kiosk may have no emoji font. */
  private micLabel(text: string): void {
    const ns = 'http://www.w3.org/2000/svg'
    const svg = document.createElementNS(ns, 'svg')
    svg.setAttribute('viewBox', '0 0 24 24')
    svg.setAttribute('aria-hidden', 'true')
    svg.setAttribute('class', 'k-mic-icon')
    const path = document.createElementNS(ns, 'path')
    path.setAttribute('d', 'M12 14a3 3 0 0 0 3-3V5a3 3 0 0 0-6 0v6a3 3 0 0 0 3 3zm5-3a5 5 0 0 1-10 0H5a7 7 0 0 0 6 6.9V21h2v-3.1a7 7 0 0 0 6-6.9h-2z')
    path.setAttribute('fill', 'currentColor')
    svg.append(path)
    this.mic.replaceChildren(svg, document.createTextNode(text))
  }

  private setState(state: AvatarState): void {
    this.state = state
    this.root.dataset.state = state
    this.stateBadge.dataset.state = state
    this.stateBadge.textContent = state === 'idle' ? '' : this.t[state]
    this.stage.setState(state)
  }

  /** A visitor did something: the idle reset starts counting again. */
  private touch(): void {
    clearTimeout(this.idleTimer)
    this.idleTimer = setTimeout(() => this.idleReset(), this.cfg.idleSeconds * 1000)
  }

  /** Nobody there any more: forget the conversation, show the welcome card, greet the next visitor. */
  private idleReset(): void {
    if (this.recorder.recording || this.state !== 'idle') return this.touch()
    // Nobody has asked anything since the last reset: do not greet an empty hall again and again.
    if (!this.sessionId && !this.question.textContent) return
    this.interrupt()
    // The next visitor is heard through a fresh document: the last one's sentences are let go.
    this.audio.renew()
    this.turnsOnAudio = 0
    this.sessionId = null
    this.question.textContent = ''
    this.subtitle.textContent = ''
    this.notice.textContent = ''
    this.welcome.hidden = false
    this.root.dataset.reset = String(Number(this.root.dataset.reset ?? 0) + 1)
    // Greet once; the timer starts again only when someone comes.
    const turn = this.startSpeaking()
    turn.queue.push(this.cfg.welcomeMessage || this.t.idle)
    turn.queue.end()
  }

  /** Barge-in: the avatar falls silent and the answer being streamed is cancelled (the server sees the request go). */
  private interrupt(): void {
    const turn = this.turn
    if (!turn) return
    this.turn = null
    this.held = false
    turn.abort.abort()
    turn.queue.cancel()
    turn.speaker.interrupt()
  }

  private startSpeaking(): Turn {
    // No turn speaks now (ask() waited for the last one, idleReset() interrupted it).
    if (++this.turnsOnAudio > TURNS_PER_AUDIO_FRAME) {
      this.audio.renew()
      this.turnsOnAudio = 1
    }
    const abort = new AbortController()
    // A photoreal service speaks the text itself: no audio is synthesized for it.
    const queue = new SpeechQueue<SentenceAudio | undefined>(
      this.stage.needsAudio ? (text, signal) => synthesize(this.cfg, text, signal) : async () => undefined
    )
    /** The voice failed in this answer: subtitles only from here on. */
    let silent = false
    const speaker = this.stage.speaker({
      onSentence: (s) => {
        if (this.turn?.queue !== queue) return
        // Without a voice the sentences would flash past one another: they stay on screen, added up.
        const shown = this.subtitle.textContent ?? ''
        this.subtitle.textContent = silent && shown ? shown + (/[。！？；…]$/.test(shown) ? '' : ' ') + s.text : s.text
        this.setState('speaking')
      },
      onProblem: (p) => {
        if (this.turn?.queue !== queue || abort.signal.aborted) return
        silent = true
        this.showProblem(this.t.speechFailed, p.error)
      }
    })
    const turn: Turn = { abort, queue, speaker, spoken: Promise.resolve() }
    turn.spoken = speaker.speak(queue).finally(() => {
      if (this.turn === turn) {
        this.turn = null
        this.setState('idle')
      }
    })
    this.turn = turn
    return turn
  }

  async ask(text: string): Promise<void> {
    const previous = this.turn
    this.interrupt()
    // The old speaker lets go of the avatar and the <audio> before the new one takes them.
    await previous?.spoken
    await this.stage.ready
    this.touch()
    this.welcome.hidden = true
    this.question.textContent = text
    this.subtitle.textContent = ''
    this.notice.textContent = ''
    const turn = this.startSpeaking()
    this.setState('thinking')
    const segmenter = new SpeechSegmenter()
    try {
      const sessionId = await this.session()
      await this.stream(sessionId, text, turn.abort.signal, (delta) => {
        for (const s of segmenter.push(delta)) turn.queue.push(s)
      })
      for (const s of segmenter.flush()) turn.queue.push(s)
    } catch (err) {
      if (!turn.abort.signal.aborted) {
        this.showProblem(this.t.failed + ((err as Error).message ?? String(err)), err)
      }
    } finally {
      turn.queue.end()
    }
    await turn.spoken
    this.touch()
  }

  private async session(): Promise<string> {
    if (this.sessionId) return this.sessionId
    const res = await fetch('/chat-init', {
      method: 'POST',
      headers: this.headers,
      body: JSON.stringify({ app_uuid: this.cfg.uuid, user_id: this.userId, session_id: null })
    })
    if (!res.ok) throw new Error(await errorMessage(res))
    this.sessionId = ((await res.json()) as { session_id: string }).session_id
    return this.sessionId
  }

  /** One answer over the original protocol; `onDelta` gets the text as it streams. */
  private async stream(sessionId: string, message: string, signal: AbortSignal, onDelta: (delta: string) => void): Promise<void> {
    const res = await fetch('/chat-message', {
      method: 'POST',
      headers: { ...this.headers, accept: 'text/event-stream' },
      body: JSON.stringify({
        app_uuid: this.cfg.uuid,
        user_id: this.userId,
        session_id: sessionId,
        socket_id: null,
        message,
        stream: true,
        // The seed's avatar clients send it; with no control socket the turn does not wait for the avatar.
        is_digitalhuman: true
      }),
      signal
    })
    if (!res.ok) throw new Error(await errorMessage(res))
    if (!res.body) throw new Error('The server answered without a stream')
    let failure: string | undefined
    await readSse(res.body, (data) => {
      if (data === '[DONE]') return
      let chunk: { content?: string; type?: string; error?: { message?: string } }
      try {
        chunk = JSON.parse(data) as typeof chunk
      } catch {
        return
      }
      if (chunk.content) onDelta(chunk.content)
      if (chunk.type === 'error') failure = chunk.error?.message ?? 'error'
    })
    if (failure) throw new Error(failure)
  }

  private async startListening(): Promise<void> {
    if (this.recorder.recording) return
    // Barge-in: the visitor's voice is the new question.
    this.interrupt()
    this.touch()
    this.notice.textContent = ''
    this.setState('listening')
    this.micLabel(this.t.release)
    this.mic.dataset.recording = 'true'
    try {
      await this.recorder.start()
    } catch (err) {
      this.showProblem(this.t.micDenied, err)
      this.endListening()
      this.input.focus()
    }
  }

  private endListening(): void {
    this.micLabel(this.t.talk)
    delete this.mic.dataset.recording
    if (this.state === 'listening') this.setState('idle')
  }

  private async stopListening(): Promise<void> {
    if (!this.recorder.recording) return
    const recording = await this.recorder.stop()
    this.endListening()
    if (!recording || recording.seconds < MIN_RECORDING_SECONDS) return
    await this.heard(recording.wav)
  }

  /** What the visitor said → the agent's ASR → the question. */
  private async heard(wav: Uint8Array): Promise<void> {
    this.setState('thinking')
    const text = this.hearing.then(() => transcribe(this.cfg, wav))
    this.hearing = text.catch(() => undefined)
    try {
      const said = await text
      if (!said) {
        this.notice.textContent = this.t.heardNothing
        if (this.state === 'thinking') this.setState('idle')
        return
      }
      await this.ask(said)
    } catch (err) {
      this.showProblem(this.t.failed + ((err as Error).message ?? String(err)), err)
      this.setState('idle')
    }
  }

  /** Our own voice is on the speaker: the barge-in rule is stricter then (barge-in.ts). */
  private avatarTalking(): boolean {
    const audio = this.audio.element
    return this.state === 'speaking' || (!audio.paused && !audio.ended)
  }

  /**
   * A loud voice while the avatar talks, not yet a barge-in (barge-in.ts `hold`): the avatar
   * pauses at once and goes on if it does not become one. Only the <audio> element is paused;
   * a photoreal service speaks on until the barge-in itself.
   */
  private hold(on: boolean): void {
    const audio = this.audio.element
    if (on) {
      if (!this.turn || audio.paused || audio.ended) return
      this.held = true
      audio.pause()
      return
    }
    if (!this.held) return
    this.held = false
    // Autoplay is allowed on a kiosk; should play() fail, the sentence stays paused and the turn's
    // next barge-in or question ends it.
    if (this.turn) audio.play().catch(() => undefined)
  }

  /** Barge-in by voice: the avatar stops at the visitor's first words and the old answer is cancelled. */
  private visitorSpeaks(): void {
    this.interrupt()
    this.touch()
    this.notice.textContent = ''
    this.setState('listening')
  }

  /**
   * Hands-free: the voice activity detector listens all the time. A denied or missing microphone
   * leaves the text input (said on screen); a detector that cannot run falls back to hold-to-talk.
   */
  private async listenHandsFree(): Promise<void> {
    this.mic.hidden = true
    this.live.hidden = false
    this.live.dataset.live = 'starting'
    this.live.textContent = this.t.speakAnyTime
    if (!navigator.mediaDevices?.getUserMedia) {
      // Browsers give the microphone to https pages and this computer only (README: the LAN kiosk's flag).
      this.live.dataset.live = 'denied'
      this.live.textContent = this.t.micOff
      this.showProblem(this.t.micInsecure, new Error(`no microphone access on ${location.origin}: not a secure context`))
      return
    }
    try {
      const { startVoiceListener } = await import('./listening')
      this.listener = await startVoiceListener(
        {
          isPlaying: () => this.avatarTalking(),
          onSpeechStart: () => this.visitorSpeaks(),
          onHold: (on) => this.hold(on),
          onUtterance: (u) => void this.heard(u.wav),
          onDiscard: () => {
            this.hold(false)
            // Counted for the operator (and the tests): speech heard and dropped, e.g. the avatar's own echo.
            this.live.dataset.discarded = String(Number(this.live.dataset.discarded ?? 0) + 1)
            if (this.state === 'listening') this.setState('idle')
          }
        },
        this.opts.bargeInDb === undefined ? {} : { loudDb: this.opts.bargeInDb }
      )
      this.live.dataset.live = 'on'
      // The microphone is let go when the page goes (a reload after a lost server, a kiosk window closing).
      addEventListener('pagehide', () => void this.listener?.destroy(), { once: true })
    } catch (err) {
      if (micUnavailable(err)) {
        this.live.dataset.live = 'denied'
        this.live.textContent = this.t.micOff
        this.showProblem(this.t.micDenied, err)
        this.input.focus()
      } else {
        this.live.hidden = true
        this.live.dataset.live = 'off'
        this.mic.hidden = false
        this.showProblem(this.t.vadFailed, err)
      }
    }
  }
}
