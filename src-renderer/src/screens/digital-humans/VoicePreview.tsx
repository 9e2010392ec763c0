import { SoundOutlined, StopOutlined } from '@ant-design/icons'
import { Alert, Button } from 'antd'
import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { SpeakingAvatar } from '../../../../digitalhuman/avatar/avatar-handle'
import { AvatarModelError, modelFallbackMessage, mountModelAvatar, type ThreeAvatarHandle } from '../../../../digitalhuman/avatar/model-avatar'
import { DigitalHumanAvatar } from '../../../../digitalhuman/avatar/react-avatar'
import { AvatarSpeaker } from '../../../../digitalhuman/avatar/speaker'
import type { AvatarHandle } from '../../../../digitalhuman/avatar/svg-avatar'
import type { LookId, PaletteId } from '../../../../digitalhuman/avatar/looks'
import { SpeechQueue } from '../../../../digitalhuman/speech/speech-queue'
import { toApiError } from '../../api/errors'
import { useStudio } from '../../stores/hooks'
import { fetchModelFile } from './model-upload'
import { synthesizePreview } from './voice-preview'

export interface PreviewVoice {
  ttsModelId?: string | null
  voice?: string | null
  speed?: number | null
}

/** A GLB/VRM to show in the preview: the file just chosen (not uploaded yet), or the stored one. */
export type PreviewModel = { format: 'glb' | 'vrm'; file: File } | { format: 'glb' | 'vrm'; id: string; sha256: string }

/**
 * The avatar as it will look, and a button that speaks a sample sentence in its voice with the
 * lips moving: the GLB/VRM model when there is one (with what its file lacks), else the built-in
 * avatar, which is also every kind's fallback (the reason is shown when a model cannot be).
 */
export function VoicePreview({
  look,
  palette,
  name,
  voice,
  model
}: {
  look: LookId
  palette: PaletteId
  name: string
  voice: PreviewVoice
  model?: PreviewModel | null
}) {
  const { t, i18n } = useTranslation()
  const studio = useStudio()
  const audio = useRef<HTMLAudioElement>(null)
  const handle = useRef<AvatarHandle | null>(null)
  const modelHost = useRef<HTMLDivElement>(null)
  const shown = useRef<ThreeAvatarHandle | null>(null)
  const speaker = useRef<AvatarSpeaker | null>(null)
  const [speaking, setSpeaking] = useState(false)
  const [problem, setProblem] = useState<string | null>(null)
  const [threeD, setThreeD] = useState<{ shown: boolean; message?: string; warnings: string[] } | null>(null)
  const lang = i18n.language?.startsWith('zh') ? 'zh-CN' : 'en'
  const modelKey = !model
    ? ''
    : 'file' in model
      ? `${model.format}:file:${model.file.name}:${model.file.size}:${model.file.lastModified}`
      : `${model.format}:${model.id}:${model.sha256}`

  useEffect(() => () => speaker.current?.interrupt(), [])

  // The model is mounted next to the built-in avatar, which stays hidden behind it as its fallback.
  useEffect(() => {
    setThreeD(null)
    if (!model || !modelHost.current) return
    speaker.current?.interrupt()
    const abort = new AbortController()
    let mounted: ThreeAvatarHandle | null = null
    const host = modelHost.current
    void (async () => {
      let bytes: ArrayBuffer
      try {
        bytes = 'file' in model ? await model.file.arrayBuffer() : await fetchModelFile(studio.connection, model.id, abort.signal)
      } catch (err) {
        if (abort.signal.aborted) return
        const e = toApiError(err)
        const why = new AvatarModelError('fetch', e.message === 'serverOff' ? t('digitalHumans.previewServerOff') : e.message)
        return setThreeD({ shown: false, message: modelFallbackMessage(why, lang), warnings: [] })
      }
      if (abort.signal.aborted) return
      const r = await mountModelAvatar(host, { bytes, format: model.format, label: name }, () => handle.current!, lang)
      if (abort.signal.aborted) {
        if (r.kind === 'model') r.avatar.destroy()
        return
      }
      if (r.kind === 'builtin') return setThreeD({ shown: false, message: r.message, warnings: [] })
      mounted = r.avatar
      shown.current = r.avatar
      setThreeD({ shown: true, warnings: r.avatar.info.warnings })
    })()
    return () => {
      abort.abort()
      speaker.current?.interrupt()
      if (shown.current === mounted) shown.current = null
      mounted?.element.remove()
      mounted?.destroy()
    }
    // modelKey stands for the model (a File or the stored file's hash); lang only words the message.
  }, [modelKey, studio, lang])

  const speak = async () => {
    const avatar: SpeakingAvatar | null = shown.current ?? handle.current
    if (!avatar || !audio.current) return
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
    const s = new AvatarSpeaker(avatar, {
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

  const modelShown = !!model && !!threeD?.shown
  return (
    <div className="dh-preview" data-testid="dh-preview" data-avatar-shown={modelShown ? '3d' : 'builtin'}>
      <div ref={modelHost} className="dh-preview-avatar dh-preview-model" hidden={!modelShown} data-testid="dh-preview-model" />
      <DigitalHumanAvatar
        look={look}
        palette={palette}
        state={speaking ? 'speaking' : 'idle'}
        label={name}
        onReady={(a) => (handle.current = a)}
        className="dh-preview-avatar"
        style={modelShown ? { display: 'none' } : {}}
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
      {model && threeD?.message && <Alert type="warning" showIcon message={threeD.message} data-testid="dh-preview-model-problem" />}
      {model && !!threeD?.warnings.length && (
        <Alert
          type="info"
          showIcon
          message={t('digitalHumans.modelWarnings')}
          description={
            <ul className="dh-preview-warnings">
              {threeD.warnings.map((w) => (
                <li key={w}>{w}</li>
              ))}
            </ul>
          }
          data-testid="dh-preview-model-warnings"
        />
      )}
      {problem && <Alert type="warning" showIcon message={problem} data-testid="dh-preview-problem" />}
    </div>
  )
}
