import { SoundOutlined, StopOutlined } from '@ant-design/icons'
import { Alert, Button } from 'antd'
import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { DigitalHumanAvatar } from '../../../../digitalhuman/avatar/react-avatar'
import { AvatarSpeaker } from '../../../../digitalhuman/avatar/speaker'
import type { AvatarHandle } from '../../../../digitalhuman/avatar/svg-avatar'
import type { LookId, PaletteId } from '../../../../digitalhuman/avatar/looks'
import { SpeechQueue } from '../../../../digitalhuman/speech/speech-queue'
import { toApiError } from '../../api/errors'
import { useStudio } from '../../stores/hooks'
import { synthesizePreview } from './voice-preview'

export interface PreviewVoice {
  ttsModelId?: string | null
  voice?: string | null
  speed?: number | null
}

/**
 * The avatar as it will look, and a button that speaks a sample sentence in its voice with the
 * lips moving (the built-in avatar stands for every kind: it is also their fallback).
 */
export function VoicePreview({ look, palette, name, voice }: { look: LookId; palette: PaletteId; name: string; voice: PreviewVoice }) {
  const { t } = useTranslation()
  const studio = useStudio()
  const audio = useRef<HTMLAudioElement>(null)
  const handle = useRef<AvatarHandle | null>(null)
  const speaker = useRef<AvatarSpeaker | null>(null)
  const [speaking, setSpeaking] = useState(false)
  const [problem, setProblem] = useState<string | null>(null)

  useEffect(() => () => speaker.current?.interrupt(), [])

  const speak = async () => {
    if (!handle.current || !audio.current) return
    setProblem(null)
    const queue = new SpeechQueue((text, signal) =>
      synthesizePreview(
        studio.connection,
        {
          text,
          ...(voice.ttsModelId ? { modelId: voice.ttsModelId } : {}),
          ...(voice.voice?.trim() ? { voice: voice.voice.trim() } : {}),
          ...(typeof voice.speed === 'number' ? { speed: voice.speed } : {})
        },
        signal
      )
    )
    const s = new AvatarSpeaker(handle.current, {
      audio: audio.current,
      onSentence: () => setSpeaking(true),
      onProblem: (p) => {
        const err = toApiError(p.error)
        setProblem(err.message === 'serverOff' ? t('digitalHumans.previewServerOff') : t('digitalHumans.previewFailed', { message: err.message }))
      }
    })
    speaker.current = s
    queue.push(t('digitalHumans.sample', { name: name || t('digitalHumans.sampleName') }))
    queue.end()
    try {
      await s.speak(queue)
    } finally {
      if (speaker.current === s) speaker.current = null
      setSpeaking(false)
    }
  }

  return (
    <div className="dh-preview" data-testid="dh-preview">
      <DigitalHumanAvatar
        look={look}
        palette={palette}
        state={speaking ? 'speaking' : 'idle'}
        label={name}
        onReady={(a) => (handle.current = a)}
        className="dh-preview-avatar"
      />
      <audio ref={audio} data-testid="dh-preview-audio" />
      {speaking ? (
        <Button icon={<StopOutlined />} onClick={() => speaker.current?.interrupt()} data-testid="dh-preview-stop">
          {t('digitalHumans.stop')}
        </Button>
      ) : (
        <Button icon={<SoundOutlined />} onClick={() => void speak()} data-testid="dh-preview-speak">
          {t('digitalHumans.preview')}
        </Button>
      )}
      {problem && <Alert type="warning" showIcon message={problem} data-testid="dh-preview-problem" />}
    </div>
  )
}
