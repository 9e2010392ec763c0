// Voice on the phone page: hold the microphone to ask (the recording goes to the server's
// /speech/transcribe with the agent's public key) and, when switched on, hear the answers (each
// sentence synthesized by /speech/synthesize as the answer streams). No provider key on the page.
import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { clipUrl } from '../../../digitalhuman/audio/clip-url'
import { SpeechQueue } from '../../../digitalhuman/speech/speech-queue'
import { SpeechSegmenter } from '../../../digitalhuman/speech/segmenter'
import { PushToTalk } from '../kiosk/recorder'
import { synthesize, transcribe, type Clip } from '../kiosk/speech-api'
import type { PhoneConfig } from './protocol'

type Cfg = Pick<PhoneConfig, 'uuid' | 'key'>

/** Hold to talk; the transcript becomes the next message. */
export function MicButton({
  cfg,
  disabled,
  onText,
  onProblem
}: {
  cfg: Cfg
  disabled: boolean
  onText: (text: string) => void
  onProblem: (message: string) => void
}) {
  const { t } = useTranslation()
  const recorder = useRef(new PushToTalk())
  const [recording, setRecording] = useState(false)
  const start = async () => {
    if (disabled || recorder.current.recording) return
    setRecording(true)
    try {
      await recorder.current.start()
    } catch (err) {
      setRecording(false)
      onProblem(`${t('voice.micDenied')} (${(err as Error).message ?? String(err)})`)
    }
  }
  const stop = async () => {
    if (!recorder.current.recording) return
    setRecording(false)
    const clip = await recorder.current.stop()
    if (!clip || clip.seconds < 0.3) return
    try {
      const text = await transcribe(cfg, clip.wav)
      if (text) onText(text)
      else onProblem(t('voice.heardNothing'))
    } catch (err) {
      onProblem(t('voice.failed', { message: (err as Error).message }))
    }
  }
  return (
    <button
      type="button"
      className={`p-mic ${recording ? 'recording' : ''}`}
      aria-label={recording ? t('voice.release') : t('voice.hold')}
      title={recording ? t('voice.release') : t('voice.hold')}
      disabled={disabled}
      onPointerDown={(e) => {
        e.preventDefault()
        void start()
      }}
      onPointerUp={() => void stop()}
      onPointerLeave={() => void stop()}
      onPointerCancel={() => void stop()}
      data-testid="phone-mic"
      data-recording={recording || undefined}
    >
      <svg viewBox="0 0 24 24" aria-hidden="true" width="22" height="22">
        <path
          fill="currentColor"
          d="M12 14a3 3 0 0 0 3-3V5a3 3 0 0 0-6 0v6a3 3 0 0 0 3 3zm5-3a5 5 0 0 1-10 0H5a7 7 0 0 0 6 6.9V21h2v-3.1a7 7 0 0 0 6-6.9h-2z"
        />
      </svg>
    </button>
  )
}

/**
 * Speaks the answer being streamed, sentence by sentence, while `enabled`. `answerId` names the
 * answer; a new one (or switching off) stops what is playing.
 */
export function useSpokenReplies(
  cfg: Cfg,
  enabled: boolean,
  answer: { id: string; text: string; streaming: boolean } | undefined,
  onProblem: (err: unknown) => void
) {
  const current = useRef<{ id: string; seen: number; segmenter: SpeechSegmenter; queue: SpeechQueue<Clip>; audio: HTMLAudioElement } | null>(null)
  const stopCurrent = () => {
    const c = current.current
    current.current = null
    if (!c) return
    c.queue.cancel()
    c.audio.pause()
  }
  useEffect(() => () => stopCurrent(), [])
  useEffect(() => {
    if (!enabled || !answer) return stopCurrent()
    let c = current.current
    if (c?.id !== answer.id) {
      stopCurrent()
      // Only answers that start while replies are on are spoken, not the history.
      if (!answer.streaming) return
      const queue = new SpeechQueue<Clip>((text, signal) => synthesize(cfg, text, signal))
      const audio = new Audio()
      c = { id: answer.id, seen: 0, segmenter: new SpeechSegmenter(), queue, audio }
      current.current = c
      void play(queue, audio, onProblem)
    }
    const delta = answer.text.slice(c.seen)
    c.seen = answer.text.length
    for (const s of c.segmenter.push(delta)) c.queue.push(s)
    if (!answer.streaming) {
      for (const s of c.segmenter.flush()) c.queue.push(s)
      c.queue.end()
    }
  }, [cfg, enabled, answer?.id, answer?.text, answer?.streaming])
}

/** Plays the answer's sentences in order; a sentence that cannot be synthesized or played is reported and skipped (the text is on screen). */
async function play(queue: SpeechQueue<Clip>, audio: HTMLAudioElement, onProblem: (err: unknown) => void): Promise<void> {
  for await (const item of queue) {
    if (!item.audio) {
      onProblem(item.error)
      continue
    }
    // Revoked once the sentence is over: see clipUrl.
    const clip = clipUrl(item.audio.audio, item.audio.mime)
    try {
      audio.src = clip.url
      await new Promise<void>((resolve, reject) => {
        audio.onended = () => resolve()
        audio.onpause = () => resolve()
        audio.onerror = () => reject(new Error('cannot play'))
        audio.play().catch(reject)
      })
    } catch (err) {
      if (!queue.cancelled) onProblem(err)
    } finally {
      audio.onended = audio.onpause = audio.onerror = null
      clip.release()
    }
    if (queue.cancelled) return
  }
}
