import { CopyOutlined, EditOutlined, FileOutlined } from '@ant-design/icons'
import type { StoredAttachment } from '@contract/chat'
import { Button, Image, Input, Tooltip } from 'antd'
import { memo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { formatBytes } from '../ui/units'
import type { UserItem } from './model'
import { BranchSwitch } from './BranchSwitch'

/** Images as thumbnails (click for full size) and files as chips with their size. */
function Attachments({ list }: { list: StoredAttachment[] }) {
  const images = list.filter((a) => a.kind === 'image' && a.dataUrl)
  const files = list.filter((a) => !(a.kind === 'image' && a.dataUrl))
  return (
    <div className="msg-attachments" data-testid="msg-attachments">
      {images.length > 0 && (
        <div className="msg-attachment-images">
          <Image.PreviewGroup>
            {images.map((a, i) => (
              <Image key={i} src={a.dataUrl} alt={a.name} width={96} height={96} className="msg-attachment-thumb" data-testid="msg-attachment-image" />
            ))}
          </Image.PreviewGroup>
        </div>
      )}
      {files.map((a, i) => (
        <div key={i} className="attachment-chip" title={a.name} data-testid="msg-attachment-file">
          <FileOutlined />
          <span className="attachment-name">{a.name}</span>
          <span className="muted small">{formatBytes(a.size)}</span>
        </div>
      ))}
    </div>
  )
}

interface Props {
  item: UserItem
  busy: boolean
  onEdit: (id: string, text: string) => void
  onCopy: (text: string) => void
  /** Shows another version of the message (its `branches`). */
  onShowBranch: (id: string) => void
}

/** The user's message; editing it sends the new text as a new version (the old one stays, with what followed it). */
export const UserMessage = memo(function UserMessage({ item, busy, onEdit, onCopy, onShowBranch }: Props) {
  const { t } = useTranslation()
  const [draft, setDraft] = useState<string | null>(null)
  if (draft !== null) {
    const submit = () => {
      if (!draft.trim()) return
      onEdit(item.id, draft)
      setDraft(null)
    }
    return (
      <div className="msg msg-user editing" data-testid="msg-user-edit">
        <div className="msg-edit">
          <Input.TextArea
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            autoSize={{ minRows: 2, maxRows: 10 }}
            autoFocus
            onKeyDown={(e) => e.key === 'Enter' && (e.ctrlKey || e.metaKey) && submit()}
            data-testid="edit-input"
          />
          <div className="msg-edit-actions">
            <Button size="small" onClick={() => setDraft(null)}>
              {t('common.cancel')}
            </Button>
            <Button size="small" type="primary" disabled={!draft.trim() || busy} onClick={submit} data-testid="edit-send">
              {t('chat.editSend')}
            </Button>
          </div>
        </div>
      </div>
    )
  }
  return (
    <div className="msg msg-user" data-testid="msg-user">
      <div className="msg-user-col">
        <div className="bubble-user">{item.content}</div>
        {item.attachments?.length ? <Attachments list={item.attachments} /> : null}
        <div className={`msg-actions msg-actions-user${item.branches ? ' has-branches' : ''}`}>
          {item.branches && <BranchSwitch branches={item.branches} current={item.id} busy={busy} onShow={onShowBranch} />}
          <Tooltip title={t('chat.copy')}>
            <Button type="text" size="small" icon={<CopyOutlined />} onClick={() => onCopy(item.content)} aria-label={t('chat.copy')} />
          </Tooltip>
          <Tooltip title={t('chat.edit')}>
            <Button
              type="text"
              size="small"
              icon={<EditOutlined />}
              disabled={busy}
              onClick={() => setDraft(item.content)}
              aria-label={t('chat.edit')}
              data-testid="msg-edit"
            />
          </Tooltip>
        </div>
      </div>
    </div>
  )
})
