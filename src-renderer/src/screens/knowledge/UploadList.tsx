import { CheckCircleFilled, CloseCircleFilled, LoadingOutlined } from '@ant-design/icons'
import { Button, Progress, Tooltip } from 'antd'
import { useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { UploadItem } from '../../queries/knowledge-uploads'
import type { Uploads } from './useUploads'
import { formatBytes } from '../../ui/units'

// A dropped folder can hold thousands of files: the rows shown are capped, the summary counts all.
const MAX_ROWS = 40
const order: Record<UploadItem['state'], number> = { uploading: 0, failed: 1, waiting: 2, done: 3 }

function UploadRow({ item }: { item: UploadItem }) {
  const { t } = useTranslation()
  const percent = item.size ? Math.min(100, Math.round((item.sent / item.size) * 100)) : item.state === 'done' ? 100 : 0
  const error = item.error === 'no-path' ? t('kb.upload.noPath') : item.error
  return (
    <div className={`kb-upload-row is-${item.state}`} data-testid="upload-row">
      <span className="kb-upload-icon">
        {item.state === 'done' ? (
          <CheckCircleFilled />
        ) : item.state === 'failed' ? (
          <CloseCircleFilled />
        ) : item.state === 'uploading' ? (
          <LoadingOutlined />
        ) : null}
      </span>
      <span className="kb-upload-name" title={item.name}>
        {item.name}
      </span>
      <span className="muted small kb-upload-size">{formatBytes(item.size)}</span>
      {item.state === 'failed' ? (
        <Tooltip title={error}>
          <span className="kb-upload-error" data-testid="upload-error">
            {error}
          </span>
        </Tooltip>
      ) : (
        <Progress
          className="kb-upload-bar"
          percent={percent}
          size="small"
          status={item.state === 'done' ? 'success' : 'active'}
          showInfo={item.state !== 'done'}
        />
      )}
      {item.duplicate && <span className="muted small">{t('kb.upload.duplicate')}</span>}
    </div>
  )
}

/** Files on their way to the core, each with its own progress, and why any of them failed. */
export function UploadList({ uploads: { items: uploads, clear } }: { uploads: Uploads }) {
  const { t } = useTranslation()
  const [showDone, setShowDone] = useState(false)
  // Files that went through need no row each: the summary counts them, a click lists them.
  const shown = useMemo(
    () =>
      uploads
        .filter((u) => showDone || u.state !== 'done')
        .sort((a, b) => order[a.state] - order[b.state])
        .slice(0, MAX_ROWS),
    [uploads, showDone]
  )
  if (!uploads.length) return null
  const done = uploads.filter((u) => u.state === 'done').length
  const failed = uploads.filter((u) => u.state === 'failed').length
  const busy = uploads.length - done - failed
  return (
    <div className="kb-uploads" data-testid="upload-list">
      <div className="kb-uploads-head">
        <span>{t('kb.upload.summary', { done, total: uploads.length })}</span>
        {failed > 0 && <span className="kb-upload-error">{t('kb.upload.failedCount', { count: failed })}</span>}
        <span className="grow" />
        {done > 0 && (
          <Button size="small" type="text" onClick={() => setShowDone(!showDone)} data-testid="upload-toggle">
            {showDone ? t('kb.upload.hideDone') : t('kb.upload.showDone')}
          </Button>
        )}
        {busy === 0 && (
          <Button size="small" type="text" onClick={clear}>
            {t('kb.upload.clear')}
          </Button>
        )}
      </div>
      {shown.map((u) => (
        <UploadRow key={u.uid} item={u} />
      ))}
      {shown.length === MAX_ROWS && uploads.length > MAX_ROWS && <div className="muted small">{t('kb.upload.more', { count: uploads.length - MAX_ROWS })}</div>}
    </div>
  )
}
