import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useStore } from 'zustand'
import { CardView } from '../chat/cards/CardView'
import { Markdown } from '../chat/markdown/Markdown'
import { EmojiAvatar } from '../ui/EmojiAvatar'
import type { PhoneConfig } from './protocol'
import type { PhoneItem, PhoneStore } from './store'
import { MicButton, useSpokenReplies } from './voice'

function Answer({ item, avatar, onSend }: { item: Extract<PhoneItem, { kind: 'assistant' }>; avatar: string; onSend?: (text: string) => void }) {
  const { t } = useTranslation()
  return (
    <div className="p-msg p-assistant" data-testid="phone-answer">
      <EmojiAvatar value={avatar} size={30} />
      <div className="p-body">
        {item.tools.length > 0 && (
          <div className="p-tools">
            {item.tools.map((tool) => (
              <span key={tool.id} className={`p-tool ${tool.done ? (tool.isError ? 'failed' : 'done') : ''}`} data-testid="phone-tool">
                ⚙ {tool.name}
              </span>
            ))}
          </div>
        )}
        {item.text && (
          <div className="p-bubble">
            <Markdown text={item.text} streaming={item.streaming} sources={item.sources} />
          </div>
        )}
        {item.sources.length > 0 && (
          <details className="p-sources" data-testid="phone-sources">
            <summary>{t('chat.sources', { count: item.sources.length })}</summary>
            <ol>
              {item.sources.map((s, i) => (
                <li key={`${s.chunkId}-${i}`} data-testid="phone-source">
                  <div className="p-source-doc">
                    {s.docName}
                    {s.page !== undefined && ` · ${t('chat.page', { page: s.page })}`}
                  </div>
                  <div className="p-source-text">{s.text}</div>
                </li>
              ))}
            </ol>
          </details>
        )}
        {item.streaming && !item.text && (
          <span className="typing" aria-label="…">
            <i />
            <i />
            <i />
          </span>
        )}
        {item.cards.map((card, i) => (
          <CardView key={i} card={card} onSend={onSend} />
        ))}
        {item.error && (
          <div className="p-error" role="alert" data-testid="phone-error">
            {t('phone.failed', { message: item.error })}
          </div>
        )}
      </div>
    </div>
  )
}

/** The chat page phones (QR code) and embedded widgets open: the agent's welcome, its phrases, and the conversation. */
export function PhoneApp({ config, store }: { config: PhoneConfig; store: PhoneStore }) {
  const { t } = useTranslation()
  const items = useStore(store, (s) => s.items)
  const streaming = useStore(store, (s) => s.streaming)
  const [text, setText] = useState('')
  const [spoken, setSpoken] = useState(false)
  const [voiceNote, setVoiceNote] = useState('')
  const last = items.at(-1)
  useSpokenReplies(config, spoken, last?.kind === 'assistant' ? last : undefined, (err) =>
    setVoiceNote(t('voice.failed', { message: err instanceof Error ? err.message : String(err) }))
  )
  const end = useRef<HTMLDivElement>(null)
  const send = (value: string) => {
    if (!value.trim() || streaming) return
    void store.getState().send(value)
    setText('')
    setVoiceNote('')
  }
  useEffect(() => {
    end.current?.scrollIntoView({ block: 'end' })
  }, [items])
  // In the embed widget Esc closes the panel: keys pressed in the frame never reach the host page,
  // so the page asks the widget (embed.js checks that the message comes from this frame).
  useEffect(() => {
    if (!config.embed || window.parent === window) return
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !e.isComposing) window.parent.postMessage({ type: 'agenta:close' }, '*')
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [config.embed])

  return (
    <div className={`phone ${config.embed ? 'embedded' : ''}`} data-testid="phone-app">
      <header className="p-head">
        <EmojiAvatar value={config.avatar} size={34} />
        <div className="p-title">
          <div className="p-name" data-testid="phone-agent-name">
            {config.name}
          </div>
          {config.description && <div className="p-desc">{config.description}</div>}
        </div>
        <button
          type="button"
          className={`p-speak ${spoken ? 'on' : ''}`}
          aria-pressed={spoken}
          title={spoken ? t('voice.speakOn') : t('voice.speakOff')}
          aria-label={spoken ? t('voice.speakOn') : t('voice.speakOff')}
          onClick={() => setSpoken(!spoken)}
          data-testid="phone-speak"
        >
          <svg viewBox="0 0 24 24" aria-hidden="true" width="20" height="20">
            <path
              fill="currentColor"
              d={
                spoken
                  ? 'M3 9v6h4l5 5V4L7 9H3zm13.5 3A4.5 4.5 0 0 0 14 8v8a4.5 4.5 0 0 0 2.5-4zM14 3.2v2.1a7 7 0 0 1 0 13.4v2.1a9 9 0 0 0 0-17.6z'
                  : 'M3 9v6h4l5 5V4L7 9H3zm13.6 3 2.9-2.9-1.4-1.4-2.9 2.9-2.9-2.9-1.4 1.4 2.9 2.9-2.9 2.9 1.4 1.4 2.9-2.9 2.9 2.9 1.4-1.4-2.9-2.9z'
              }
            />
          </svg>
        </button>
        <button type="button" className="p-new" onClick={() => store.getState().reset()} disabled={!items.length}>
          {t('phone.newChat')}
        </button>
      </header>
      <main className="p-list">
        <section className="p-welcome" data-testid="phone-welcome">
          <div className="p-hello">{t('chat.hello')}</div>
          <div className="p-welcome-text">{config.welcomeMessage || t('chat.defaultWelcome', { name: config.name })}</div>
          {config.quickPhrases.length > 0 && (
            <div className="p-phrases">
              <div className="p-try">{t('chat.tryAsking')}</div>
              {config.quickPhrases.map((p) => (
                <button key={p} type="button" className="card-question" onClick={() => send(p)} disabled={streaming} data-testid="phone-phrase">
                  <span className="card-question-mark">#</span>
                  {p}
                </button>
              ))}
            </div>
          )}
        </section>
        {items.map((item) =>
          item.kind === 'user' ? (
            <div key={item.id} className="p-msg p-user" data-testid="phone-user">
              <div className="p-bubble">{item.content}</div>
            </div>
          ) : (
            <Answer key={item.id} item={item} avatar={config.avatar} onSend={streaming ? undefined : send} />
          )
        )}
        <div ref={end} />
      </main>
      {voiceNote && (
        <div className="p-voice-note" role="alert" data-testid="phone-voice-note">
          {voiceNote}
        </div>
      )}
      <footer className="p-input">
        <MicButton cfg={config} disabled={streaming} onText={send} onProblem={setVoiceNote} />
        <textarea
          value={text}
          rows={1}
          placeholder={t('phone.placeholder')}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
              e.preventDefault()
              send(text)
            }
          }}
          data-testid="phone-input"
        />
        {streaming ? (
          <button type="button" className="p-send stop" onClick={() => store.getState().stop()} data-testid="phone-stop">
            {t('phone.stop')}
          </button>
        ) : (
          <button type="button" className="p-send" onClick={() => send(text)} disabled={!text.trim()} data-testid="phone-send">
            {t('phone.send')}
          </button>
        )}
      </footer>
    </div>
  )
}
