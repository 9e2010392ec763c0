import { ArrowUpOutlined, BorderOutlined, PaperClipOutlined } from '@ant-design/icons'
import { Button, Input, Tooltip } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'

interface Props {
  streaming: boolean
  disabled?: boolean
  placeholder?: string
  phrases?: string[]
  onSend: (text: string) => void
  onStop: () => void
}

/** The input: Enter sends, Shift+Enter breaks the line; while an answer streams, the button stops it. */
export function Composer({ streaming, disabled, placeholder, phrases = [], onSend, onStop }: Props) {
  const { t } = useTranslation()
  const [text, setText] = useState('')
  const send = () => {
    if (!text.trim() || streaming || disabled) return
    onSend(text)
    setText('')
  }
  return (
    <div className="composer">
      {phrases.length > 0 && (
        <div className="composer-phrases">
          {phrases.map((p) => (
            <button key={p} type="button" className="phrase-chip" disabled={streaming || disabled} onClick={() => onSend(p)}>
              {p}
            </button>
          ))}
        </div>
      )}
      <div className="composer-box">
        <Input.TextArea
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
              e.preventDefault()
              send()
            }
          }}
          placeholder={placeholder ?? t('chat.placeholder')}
          autoSize={{ minRows: 1, maxRows: 8 }}
          variant="borderless"
          disabled={disabled}
          data-testid="chat-input"
        />
        <div className="composer-bar">
          {/* The chat contract has no attachment field yet: say so rather than pretend to upload. */}
          <Tooltip title={t('chat.attachUnsupported')}>
            <span>
              <Button type="text" size="small" icon={<PaperClipOutlined />} disabled aria-label={t('chat.attach')} />
            </span>
          </Tooltip>
          <span className="muted small composer-hint">{t('chat.enterHint')}</span>
          {streaming ? (
            <Tooltip title={t('chat.stop')}>
              <Button shape="circle" type="primary" danger icon={<BorderOutlined />} onClick={onStop} aria-label={t('chat.stop')} data-testid="chat-stop" />
            </Tooltip>
          ) : (
            <Tooltip title={t('chat.send')}>
              <Button
                shape="circle"
                type="primary"
                icon={<ArrowUpOutlined />}
                disabled={!text.trim() || disabled}
                onClick={send}
                aria-label={t('chat.send')}
                data-testid="chat-send"
              />
            </Tooltip>
          )}
        </div>
      </div>
    </div>
  )
}
