// Plays an answer's sentences through one <audio> element with the avatar's lips on it: each
// sentence's text track is fitted to its audio (loudness when asked, or when decoding fails),
// subtitles are announced in order, a sentence whose TTS failed is still announced (text only),
// and interrupt() (barge-in) silences everything at once. Browser only.
import { speechBounds } from '../lipsync/loudness'
import { visemeTrack } from '../lipsync/track'
import type { SpeechItem } from '../speech/speech-queue'
import { envelopeOfAudio } from './audio-envelope'
import type { LipSource, SpeakingAvatar } from './avatar-handle'
import { clipUrl } from '../audio/clip-url'

export interface SentenceAudio {
  audio: Uint8Array | ArrayBuffer
  mime: string
}

export type SpokenStatus = 'played' | 'text-only' | 'interrupted'

export interface SpeakerEvents {
  /** A sentence starts (show its subtitle). */
  onSentence?(sentence: { index: number; text: string }): void
  /** A sentence is over; `duration` is the seconds of audio actually played. */
  onSpoken?(sentence: { index: number; text: string; status: SpokenStatus; duration: number }): void
  /** Something the operator should know (TTS failed, autoplay blocked); speaking goes on as text. */
  onProblem?(problem: { index: number; text: string; error: unknown }): void
}

export interface SpeakerOptions extends SpeakerEvents {
  /** Lips from the text (default) or from loudness only. */
  lips?: 'text' | 'loudness'
  /** The element to play through (a kiosk may keep one in its DOM); a new one by default. */
  audio?: HTMLAudioElement
}

export interface SpeakResult {
  status: 'done' | 'interrupted'
  /** Seconds of audio played: the `duration` of the `digitalhuman_completion` reply. */
  duration: number
}

type Cancellable = { cancel?: () => void }

export class AvatarSpeaker {
  readonly audio: HTMLAudioElement
  private interrupted = false
  private stopPlaying: (() => void) | undefined
  private cancelSource: (() => void) | undefined

  constructor(
    private readonly avatar: SpeakingAvatar,
    private readonly opts: SpeakerOptions = {}
  ) {
    this.audio = opts.audio ?? new Audio()
  }

  /** Speaks every sentence of `sentences` in order; resolves when all are spoken or on interrupt(). */
  async speak(sentences: AsyncIterable<SpeechItem<SentenceAudio>> & Cancellable): Promise<SpeakResult> {
    this.interrupted = false
    this.cancelSource = sentences.cancel?.bind(sentences)
    let duration = 0
    try {
      for await (const item of sentences) {
        if (this.interrupted) break
        this.opts.onSentence?.({ index: item.index, text: item.text })
        if (!item.audio) {
          this.opts.onProblem?.({ index: item.index, text: item.text, error: item.error })
          this.opts.onSpoken?.({ index: item.index, text: item.text, status: 'text-only', duration: 0 })
          continue
        }
        const played = await this.play(item.index, item.text, item.audio)
        duration += played.duration
        this.opts.onSpoken?.({ index: item.index, text: item.text, ...played })
        if (this.interrupted) break
      }
    } finally {
      this.cancelSource = undefined
      this.avatar.stop()
      this.avatar.setState('idle')
    }
    return { status: this.interrupted ? 'interrupted' : 'done', duration }
  }

  /** Barge-in: the audio stops, the lips close, the rest of the answer is not spoken. */
  interrupt(): void {
    this.interrupted = true
    this.cancelSource?.()
    this.audio.pause()
    this.avatar.stop()
    this.stopPlaying?.()
  }

  private async play(index: number, text: string, sentence: SentenceAudio): Promise<{ status: SpokenStatus; duration: number }> {
    const bytes = sentence.audio instanceof Uint8Array ? sentence.audio.slice().buffer : sentence.audio
    const audio = this.audio
    const clip = clipUrl(bytes, sentence.mime)
    try {
      audio.src = clip.url
      await new Promise<void>((resolve, reject) => {
        audio.onloadedmetadata = () => resolve()
        audio.onerror = () => reject(new Error(`the browser cannot play ${sentence.mime}`))
      })
      const lips = await this.lips(text, bytes, audio.duration)
      // A visitor who spoke while this sentence loaded or decoded (slow on a small kiosk box) must
      // not hear it start afterwards.
      if (this.interrupted) return { status: 'interrupted', duration: 0 }
      this.avatar.follow(audio, lips)
      this.avatar.setState('speaking')
      const ended = new Promise<void>((resolve) => {
        audio.onended = () => resolve()
        this.stopPlaying = resolve
      })
      await audio.play()
      await ended
      return { status: this.interrupted ? 'interrupted' : 'played', duration: audio.currentTime }
    } catch (error) {
      // Autoplay blocked, a codec the browser lacks: the sentence stays as a subtitle.
      this.opts.onProblem?.({ index, text, error })
      return { status: this.interrupted ? 'interrupted' : 'text-only', duration: 0 }
    } finally {
      this.stopPlaying = undefined
      audio.onended = audio.onerror = audio.onloadedmetadata = null
      clip.release()
      this.avatar.stop()
    }
  }

  private async lips(text: string, bytes: ArrayBuffer, duration: number): Promise<LipSource> {
    try {
      const envelope = await envelopeOfAudio(bytes)
      return this.opts.lips === 'loudness' ? { envelope } : { track: visemeTrack(text, duration, speechBounds(envelope)) }
    } catch {
      // Undecodable here but playable by the element: the text spread over the whole clip.
      return { track: visemeTrack(text, duration) }
    }
  }
}
