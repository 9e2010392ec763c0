import { ArrowUpOutlined, BorderOutlined, CloseOutlined, FileOutlined, PaperClipOutlined } from '@ant-design/icons'
import { MAX_ATTACHMENT_BYTES, type Attachment } from '@contract/chat'
import { App, Button, Input, Tooltip } from 'antd'
import { useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { formatBytes } from '../ui/units'

/** Files per message (the chat contract's limit). */
export const MAX_ATTACHMENTS = 5
/** Images, and the documents the core reads as text. */
const ACCEPT = 'image/*,.pdf,.docx,.xlsx,.csv,.txt,.md,.markdown,.html,.htm,.json'
// Browsers leave the type empty for some of these (notably .md): name it from the extension.
const TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv',
  txt: 'text/plain',
  md: 'text/markdown',
  markdown: 'text/markdown',
  html: 'text/html',
  htm: 'text/html',
  json: 'application/json'
}
const mimeOf = (file: File) => file.type || TYPES[file.name.split('.').pop()?.toLowerCase() ?? ''] || 'application/octet-stream'

/** An attachment waiting to be sent, with its data URL for the thumbnail. */
interface Pending extends Attachment {
  id: number
  size: number
  dataUrl: string
}

function readDataUrl(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader()
    reader.onload = () => resolve(reader.result as string)
    reader.onerror = () => reject(reader.error ?? new Error('read failed'))
    reader.readAsDataURL(file)
  })
}

interface Props {
  streaming: boolean
  disabled?: boolean
  placeholder?: string
  phrases?: string[]
  onSend: (text: string, attachments?: Attachment[]) => void
  onStop: () => void
}

let pendingSeq = 0

/** The input: Enter sends, Shift+Enter breaks the line; while an answer streams, the button stops it. Files are picked or pasted. */
export function Composer({ streaming, disabled, placeholder, phrases = [], onSend, onStop }: Props) {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const [text, setText] = useState('')
  const [pending, setPending] = useState<Pending[]>([])
  const fileInput = useRef<HTMLInputElement>(null)
  // Files still being read count towards the limit, so two quick picks keep to it.
  const reading = useRef(0)

  const addFiles = async (files: File[]) => {
    if (!files.length) return
    const room = MAX_ATTACHMENTS - pending.length - reading.current
    if (files.length > room) message.warning(t('chat.attachTooMany', { max: MAX_ATTACHMENTS }))
    const fitting = files.slice(0, Math.max(0, room)).filter((f) => {
      if (f.size <= MAX_ATTACHMENT_BYTES) return true
      message.warning(t('chat.attachTooBig', { name: f.name, max: MAX_ATTACHMENT_BYTES / 1024 / 1024 }))
      return false
    })
    reading.current += fitting.length
    const read = await Promise.all(
      fitting.map(async (file): Promise<Pending | null> => {
        try {
          const dataUrl = await readDataUrl(file)
          const mimeType = mimeOf(file)
          const data = dataUrl.slice(dataUrl.indexOf(',') + 1)
          return {
            id: ++pendingSeq,
            name: file.name || `pasted.${mimeType.split('/')[1] ?? 'png'}`,
            mimeType,
            data,
            size: file.size,
            dataUrl: `data:${mimeType};base64,${data}`
          }
        } catch {
          message.error(t('chat.attachReadFailed', { name: file.name }))
          return null
        } finally {
          reading.current--
        }
      })
    )
    const ok = read.filter((p): p is Pending => p !== null)
    if (ok.length) setPending((list) => [...list, ...ok].slice(0, MAX_ATTACHMENTS))
  }

  const canSend = (!!text.trim() || pending.length > 0) && !streaming && !disabled
  const send = () => {
    if (!canSend) return
    const attachments = pending.map(({ name, mimeType, data }) => ({ name, mimeType, data }))
    // The core needs some text to start a turn: a message of files alone says so.
    onSend(text.trim() ? text : t('chat.attachmentsOnly'), attachments.length ? attachments : undefined)
    setText('')
    setPending([])
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
        {pending.length > 0 && (
          <div className="composer-attachments">
            {pending.map((p) => (
              <div key={p.id} className="attachment-chip" title={p.name} data-testid="composer-attachment">
                {p.mimeType.startsWith('image/') ? (
                  <img src={p.dataUrl} alt={p.name} className="attachment-thumb" />
                ) : (
                  <>
                    <FileOutlined />
                    <span className="attachment-name">{p.name}</span>
                    <span className="muted small">{formatBytes(p.size)}</span>
                  </>
                )}
                <button
                  type="button"
                  className="attachment-remove"
                  onClick={() => setPending((list) => list.filter((x) => x.id !== p.id))}
                  aria-label={t('chat.attachRemove', { name: p.name })}
                  data-testid="composer-attachment-remove"
                >
                  <CloseOutlined />
                </button>
              </div>
            ))}
          </div>
        )}
        <Input.TextArea
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
              e.preventDefault()
              send()
            }
          }}
          onPaste={(e) => {
            const images = [...e.clipboardData.files].filter((f) => f.type.startsWith('image/'))
            if (!images.length) return
            e.preventDefault()
            void addFiles(images)
          }}
          placeholder={placeholder ?? t('chat.placeholder')}
          autoSize={{ minRows: 1, maxRows: 8 }}
          variant="borderless"
          disabled={disabled}
          data-testid="chat-input"
        />
        <div className="composer-bar">
          <input
            ref={fileInput}
            type="file"
            multiple
            accept={ACCEPT}
            hidden
            data-testid="chat-file-input"
            onChange={(e) => {
              const files = [...(e.target.files ?? [])]
              // Cleared so that picking the same file again still fires a change.
              e.target.value = ''
              void addFiles(files)
            }}
          />
          <Tooltip title={t('chat.attach')}>
            <Button
              type="text"
              size="small"
              icon={<PaperClipOutlined />}
              disabled={disabled || pending.length >= MAX_ATTACHMENTS}
              onClick={() => fileInput.current?.click()}
              aria-label={t('chat.attach')}
              data-testid="chat-attach"
            />
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
                disabled={!canSend}
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
