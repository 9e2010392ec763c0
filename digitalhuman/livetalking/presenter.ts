// The photoreal presenter: the same shape as AvatarSpeaker (speak(sentences) → SpeakResult,
// interrupt(), onSentence / onSpoken / onProblem) so the kiosk can use either, plus onSpeaking for
// the "speaking" state. The service makes the voice and the lips itself: each sentence goes to
// `/human` as soon as the stream produces it (a new turn's first one with `interrupt: true`), and
// `/is_speaking` polling tells when the avatar fell silent. startPresenter() falls back to the
// built-in avatar, with a message for the operator, when the service cannot be used. Browser only.
import type { SpeakerEvents, SpeakResult } from '../avatar/speaker'
import { LiveTalkingClient, LiveTalkingError, type LiveTalkingOptions } from './client'

export interface LiveTalkingSpeakerOptions extends SpeakerEvents {
  /** Where the service's audio and video play (autoplay must be allowed: a kiosk flag or a tap). */
  video: HTMLVideoElement
  service: LiveTalkingOptions
  /** The avatar started or stopped talking (from /is_speaking; false at once on interrupt). */
  onSpeaking?(speaking: boolean): void
  /** `/is_speaking` poll interval (default 250 ms). */
  pollMs?: number
  /** After the last sentence, how long the service may take to start talking before we stop waiting (default 8 s). */
  startWithinMs?: number
  /** How long start() waits for the first video frame (default 10 s): black video usually means UDP is blocked (set a TURN server). */
  videoWithinMs?: number
}

type Cancellable = { cancel?: () => void }
type Sentence = { index: number; text: string }
type Turn = { finished: boolean; lastSentAt: number }

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms)
    signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true })
  })

export class LiveTalkingSpeaker {
  readonly client: LiveTalkingClient
  readonly video: HTMLVideoElement
  private speaking = false
  private interrupted = false
  private stopWaiting = new AbortController()
  private cancelSource: (() => void) | undefined

  constructor(private readonly opts: LiveTalkingSpeakerOptions) {
    this.video = opts.video
    this.video.autoplay = true
    this.video.playsInline = true
    this.client = new LiveTalkingClient({
      ...opts.service,
      onTrack: (track, streams) => {
        this.attach(track, streams)
        opts.service.onTrack?.(track, streams)
      }
    })
  }

  /** Opens the session and waits for the first video frame. Throws LiveTalkingError. */
  async start(): Promise<void> {
    await this.client.connect()
    const within = this.opts.videoWithinMs ?? 10_000
    const deadline = Date.now() + within
    while (!(this.video.videoWidth > 0)) {
      if (Date.now() > deadline) {
        throw new LiveTalkingError(
          'no-video',
          `The photoreal avatar service at ${this.client.url} connected but sent no video within ${within / 1000} s: UDP is probably blocked; configure a TURN server (iceServers).`
        )
      }
      await sleep(100)
    }
  }

  /**
   * Sends every sentence to the service in order as it arrives, then waits until the avatar has
   * finished talking. Resolves early on interrupt(). Only `index` and `text` of each item are used:
   * the service makes the voice, so the kiosk need not synthesize audio for it.
   */
  async speak(sentences: AsyncIterable<Sentence> & Cancellable): Promise<SpeakResult> {
    this.interrupted = false
    // A turn started without interrupt() supersedes the previous turn's wait for silence.
    this.stopWaiting.abort()
    this.stopWaiting = new AbortController()
    this.cancelSource = sentences.cancel?.bind(sentences)
    const sent: Sentence[] = []
    const turn: Turn = { finished: false, lastSentAt: 0 }
    let watching: Promise<number> | undefined
    let first = true
    let duration = 0
    try {
      for await (const item of sentences) {
        if (this.interrupted) break
        // The subtitle shows as the sentence is handed over: /is_speaking cannot tell which one is playing.
        this.opts.onSentence?.({ index: item.index, text: item.text })
        try {
          await this.client.say(item.text, { interrupt: first })
          sent.push(item)
          turn.lastSentAt = Date.now()
          // The speaking state is followed from the first sentence on, while the rest still streams.
          watching ??= this.watch(turn, item)
        } catch (error) {
          this.opts.onProblem?.({ index: item.index, text: item.text, error })
          this.opts.onSpoken?.({ index: item.index, text: item.text, status: 'text-only', duration: 0 })
        }
        first = false
      }
      turn.finished = true
      if (watching) duration = await watching
    } finally {
      turn.finished = true
      this.cancelSource = undefined
      this.setSpeaking(false)
    }
    const status = this.interrupted ? 'interrupted' : 'played'
    // Time is not split per sentence: the service reports one speaking span for the whole answer.
    sent.forEach((s, i) => this.opts.onSpoken?.({ ...s, status, duration: i === sent.length - 1 ? duration : 0 }))
    return { status: this.interrupted ? 'interrupted' : 'done', duration }
  }

  /** Barge-in: the service stops talking, the rest of the answer is not sent. */
  interrupt(): void {
    this.interrupted = true
    this.cancelSource?.()
    this.stopWaiting.abort()
    this.setSpeaking(false)
    this.client.interrupt().catch((error: unknown) => this.opts.onProblem?.({ index: -1, text: '', error }))
  }

  close(): void {
    this.stopWaiting.abort()
    this.client.close()
    this.video.srcObject = null
  }

  /**
   * Polls /is_speaking from the first sentence on (onSpeaking) until the answer is all sent and
   * the avatar, having talked since the last sentence went out, is silent again (or never starts
   * within `startWithinMs`). Returns the seconds it talked.
   */
  private async watch(turn: Turn, sentence: Sentence): Promise<number> {
    const signal = this.stopWaiting.signal
    const poll = this.opts.pollMs ?? 250
    const startWithin = this.opts.startWithinMs ?? 8_000
    let talkingSince: number | undefined
    let lastTalkAskedAt = -1
    while (!signal.aborted) {
      const asked = Date.now()
      let now: boolean
      try {
        now = await this.client.isSpeaking()
      } catch (error) {
        this.opts.onProblem?.({ index: sentence.index, text: sentence.text, error })
        if (turn.finished) break
        await sleep(poll, signal)
        continue
      }
      if (signal.aborted) break
      this.setSpeaking(now)
      if (now) {
        talkingSince ??= asked
        lastTalkAskedAt = asked
      } else if (turn.finished && (lastTalkAskedAt >= turn.lastSentAt || Date.now() > turn.lastSentAt + startWithin)) break
      await sleep(poll, signal)
    }
    return talkingSince === undefined ? 0 : (Date.now() - talkingSince) / 1000
  }

  private setSpeaking(speaking: boolean): void {
    if (speaking === this.speaking) return
    this.speaking = speaking
    this.opts.onSpeaking?.(speaking)
  }

  private attach(track: MediaStreamTrack, streams: readonly MediaStream[]): void {
    const stream = streams[0]
    const current = this.video.srcObject instanceof MediaStream ? this.video.srcObject : undefined
    if (stream) {
      if (current !== stream) this.video.srcObject = stream
    } else if (current && current.getTracks().every((t) => t.readyState === 'live')) {
      current.addTrack(track)
    } else this.video.srcObject = new MediaStream([track])
    this.video.play().catch((error: unknown) => this.opts.onProblem?.({ index: -1, text: '', error }))
  }
}

/** Anything that speaks like AvatarSpeaker. */
export interface Presenter<I> {
  speak(sentences: AsyncIterable<I> & Cancellable): Promise<SpeakResult>
  interrupt(): void
}

export type StartedPresenter<B> =
  { kind: 'photoreal'; speaker: LiveTalkingSpeaker; needsAudio: false } | { kind: 'builtin'; speaker: B; needsAudio: true; message: string; error: unknown }

/**
 * The photoreal avatar when the service works, the built-in one otherwise: the kiosk shows
 * `message` to the operator and keeps going. `needsAudio` says whether the sentences given to
 * speak() must carry TTS audio (the built-in avatar) or only text (the service speaks itself).
 */
export async function startPresenter<B extends Presenter<any>>(opts: LiveTalkingSpeakerOptions, fallback: () => B): Promise<StartedPresenter<B>> {
  const speaker = new LiveTalkingSpeaker(opts)
  try {
    await speaker.start()
    return { kind: 'photoreal', speaker, needsAudio: false }
  } catch (error) {
    speaker.close()
    return { kind: 'builtin', speaker: fallback(), needsAudio: true, message: fallbackMessage(error, opts.service.url), error }
  }
}

/** What the operator reads when the photoreal avatar cannot be used. */
export function fallbackMessage(error: unknown, url: string): string {
  const tail = 'The built-in avatar speaks instead.'
  if (error instanceof LiveTalkingError) {
    if (error.kind === 'unreachable') return `The photoreal avatar service at ${url} cannot be reached: is it running, and is the address right? ${tail}`
    if (error.kind === 'session-limit')
      return `The photoreal avatar service at ${url} is at its session limit: close another kiosk or raise max_session. ${tail}`
    return `${error.message} ${tail}`
  }
  return `The photoreal avatar could not start (${(error as Error)?.message ?? String(error)}). ${tail}`
}
