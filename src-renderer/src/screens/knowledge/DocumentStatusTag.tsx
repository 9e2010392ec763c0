import { ExclamationCircleOutlined, SyncOutlined } from '@ant-design/icons'
import type { KbDocument } from '@contract/knowledge'
import { Tag, Tooltip } from 'antd'
import { useTranslation } from 'react-i18next'
import { translateMessage } from '../../api/errors'

const COLORS = {
  queued: 'default',
  parsing: 'processing',
  chunking: 'processing',
  embedding: 'processing',
  indexing: 'processing',
  ready: 'success',
  failed: 'error'
} as const

/** The stage of a document; a failure carries its reason, shown under the tag in the UI's language. */
export function DocumentStatusTag({ doc }: { doc: KbDocument }) {
  const { t } = useTranslation()
  const active = COLORS[doc.status] === 'processing'
  // The message code when the server sent one; the stored English words otherwise (an older server or row).
  const error = doc.error && translateMessage({ reason: doc.errorReason ?? undefined, params: doc.errorParams ?? undefined, message: doc.error }, t)
  return (
    <div className="kb-doc-status">
      <Tag color={COLORS[doc.status]} icon={active ? <SyncOutlined spin /> : undefined} variant="filled" data-testid="doc-status">
        {t(`kb.status.${doc.status}`)}
      </Tag>
      {doc.status === 'failed' && doc.searchable && (
        <Tooltip title={t('kb.docs.olderServed')}>
          <Tag variant="filled">{t('kb.docs.searchable')}</Tag>
        </Tooltip>
      )}
      {error && (
        <div className={doc.status === 'failed' ? 'kb-doc-error' : 'kb-doc-retry'} data-testid="doc-error">
          <ExclamationCircleOutlined /> {doc.status === 'failed' ? error : t('kb.docs.retrying', { count: doc.attempts, message: error })}
        </div>
      )}
    </div>
  )
}
