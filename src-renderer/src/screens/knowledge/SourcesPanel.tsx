import { ApiOutlined, DatabaseOutlined, DeleteOutlined, EditOutlined, PlusOutlined, SyncOutlined } from '@ant-design/icons'
import type { KnowledgeSource } from '@contract/knowledge'
import { Alert, Badge, Button, Dropdown, Empty, Popconfirm, Skeleton, Switch, Tag, Tooltip } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { removeSource, syncSource, updateSource, useSources } from '../../queries/knowledge-sources'
import { useStudio } from '../../stores/hooks'
import { useErrorToast, useFeedback } from '../../ui/feedback'
import { useFormatDate } from '../../ui/format'
import { SourceEditor } from './SourceEditor'
import type { SourceFormValues } from './source-form'
import { translateError, translateMessage } from '../../api/errors'

const target = (s: KnowledgeSource) =>
  s.config.kind === 'api' ? `${s.config.method} ${s.config.url}` : s.config.connection.type === 'sqlite' ? s.config.connection.path : s.config.connection.url

function LastSync({ source }: { source: KnowledgeSource }) {
  const { t } = useTranslation()
  const formatDate = useFormatDate()
  if (source.syncState !== 'idle') return <Badge status="processing" text={t(`kb.sources.state.${source.syncState}`)} />
  if (!source.lastSyncAt) return <span className="muted">{t('kb.sources.never')}</span>
  const stats = source.lastSyncStats
  return (
    <div className="kb-source-sync" data-testid="source-last-sync">
      <Badge
        status={source.lastSyncStatus === 'ok' ? 'success' : 'error'}
        text={t(`kb.sources.lastSync.${source.lastSyncStatus ?? 'ok'}`, { time: formatDate(source.lastSyncAt) })}
      />
      {stats && <span className="muted small">{t('kb.sources.stats', stats)}</span>}
      {source.lastSyncError && (
        <div className="kb-doc-error" data-testid="source-sync-error">
          {translateMessage({ reason: source.lastSyncReason ?? undefined, params: source.lastSyncParams ?? undefined, message: source.lastSyncError }, t)}
        </div>
      )}
    </div>
  )
}

function SourceCard({ kbId, source, onEdit }: { kbId: string; source: KnowledgeSource; onEdit: () => void }) {
  const { t } = useTranslation()
  const studio = useStudio()
  const { fail, ok } = useFeedback()
  // "Sync now" is waiting for its answer.
  const [syncing, setSyncing] = useState(false)
  const sync = async () => {
    setSyncing(true)
    try {
      const r = await syncSource(studio, kbId, source.id)
      if (r.ok) ok(t('kb.sources.synced', r.stats))
      else fail(new Error(r.error ?? t('kb.sources.syncFailed')))
    } catch (err) {
      fail(err)
    } finally {
      setSyncing(false)
    }
  }
  return (
    <div className="kb-source" data-testid="source-card">
      <div className="kb-source-head">
        <span className="kb-avatar">{source.config.kind === 'api' ? <ApiOutlined /> : <DatabaseOutlined />}</span>
        <div className="kb-source-title">
          <div className="entity-name">{source.name}</div>
          <Tooltip title={target(source)}>
            <div className="entity-target mono">{target(source)}</div>
          </Tooltip>
        </div>
        <Switch
          size="small"
          checked={source.enabled}
          onChange={(enabled) => updateSource(studio, kbId, source.id, { enabled }).catch((err) => fail(err))}
          aria-label={t('kb.sources.enabled')}
        />
      </div>
      <div className="kb-source-meta">
        <Tag variant="filled">{source.config.kind === 'api' ? 'API' : source.config.connection.type === 'sqlite' ? 'SQLite' : 'MySQL'}</Tag>
        <Tag variant="filled">{source.schedule ? t('kb.sources.scheduled', { cron: source.schedule }) : t('kb.sources.onDemand')}</Tag>
        <Tag variant="filled">{t('knowledge.docCount', { count: source.documentCount })}</Tag>
      </div>
      <LastSync source={source} />
      <div className="entity-card-foot">
        <Button
          size="small"
          icon={<SyncOutlined spin={syncing} />}
          onClick={() => void sync()}
          disabled={syncing || source.syncState !== 'idle'}
          data-testid="source-sync"
        >
          {t('kb.sources.syncNow')}
        </Button>
        <span className="grow" />
        <Tooltip title={t('common.edit')}>
          <Button type="text" size="small" icon={<EditOutlined />} onClick={onEdit} aria-label={t('common.edit')} />
        </Tooltip>
        <Popconfirm
          title={t('kb.sources.deleteTitle', { name: source.name })}
          description={t('kb.sources.deleteBody')}
          okText={t('common.delete')}
          cancelText={t('common.cancel')}
          okButtonProps={{ danger: true }}
          onConfirm={() =>
            removeSource(studio, kbId, source.id)
              .then(() => ok(t('common.deleted')))
              .catch((err) => fail(err))
          }
        >
          <Button type="text" size="small" danger icon={<DeleteOutlined />} aria-label={t('common.delete')} />
        </Popconfirm>
      </div>
    </div>
  )
}

/** Database and API sources: each row or item becomes a document, re-read on demand or on a schedule. */
export function SourcesPanel({ kbId }: { kbId: string }) {
  const { t } = useTranslation()
  const { items, loading, error } = useSources(kbId)
  const [editing, setEditing] = useState<{ source: KnowledgeSource | null; kind: SourceFormValues['kind'] } | null>(null)
  useErrorToast(error)

  const add = {
    items: [
      { key: 'database', icon: <DatabaseOutlined />, label: <span data-testid="source-add-database">{t('kb.sources.kinds.database')}</span> },
      { key: 'api', icon: <ApiOutlined />, label: <span data-testid="source-add-api">{t('kb.sources.kinds.api')}</span> }
    ],
    onClick: ({ key }: { key: string }) => setEditing({ source: null, kind: key as SourceFormValues['kind'] })
  }

  return (
    <div className="kb-panel">
      <div className="kb-toolbar">
        <span className="muted">{t('kb.sources.intro')}</span>
        <span className="grow" />
        <Dropdown menu={add} trigger={['click']}>
          <Button type="primary" icon={<PlusOutlined />} data-testid="source-add">
            {t('kb.sources.add')}
          </Button>
        </Dropdown>
      </div>
      {error && !items.length && <Alert type="error" showIcon title={translateError(error)} className="kb-note" />}
      {loading && !items.length ? (
        <Skeleton active />
      ) : items.length ? (
        <div className="kb-source-grid">
          {items.map((s) => (
            <SourceCard key={s.id} kbId={kbId} source={s} onEdit={() => setEditing({ source: s, kind: s.config.kind })} />
          ))}
        </div>
      ) : (
        <Empty description={t('kb.sources.empty')} />
      )}
      <SourceEditor kbId={kbId} open={editing !== null} source={editing?.source ?? null} kind={editing?.kind ?? 'database'} onClose={() => setEditing(null)} />
    </div>
  )
}
