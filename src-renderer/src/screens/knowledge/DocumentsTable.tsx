import {
  ApiOutlined,
  DatabaseOutlined,
  DeleteOutlined,
  FileTextOutlined,
  ProfileOutlined,
  ReloadOutlined,
  SearchOutlined,
  SyncOutlined,
  UploadOutlined
} from '@ant-design/icons'
import { DocumentStatus, type KbDocument } from '@contract/knowledge'
import { Button, Input, Popconfirm, Select, Table, Tooltip, type TableColumnsType } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { removeDocument, reindexDocument, type DocumentQuery, type DocumentsView } from '../../queries/knowledge'
import { useStudio } from '../../stores/hooks'
import { useErrorToast, useFeedback } from '../../ui/feedback'
import { useFormatDate } from '../../ui/format'
import { useUnits } from '../../ui/units'
import { DocumentStatusTag } from './DocumentStatusTag'

const SOURCE_ICONS = { file: <FileTextOutlined />, upload: <UploadOutlined />, database: <DatabaseOutlined />, api: <ApiOutlined /> }

function RowActions({ kbId, doc, onChunks }: { kbId: string; doc: KbDocument; onChunks: (doc: KbDocument) => void }) {
  const { t } = useTranslation()
  const studio = useStudio()
  const { fail, ok } = useFeedback()
  const [busy, setBusy] = useState(false)
  const run = async (action: () => Promise<unknown>, done: string) => {
    setBusy(true)
    try {
      await action()
      ok(done)
    } catch (err) {
      fail(err)
    } finally {
      setBusy(false)
    }
  }
  return (
    <span className="kb-row-actions">
      <Tooltip title={t('kb.docs.chunks')}>
        <Button
          type="text"
          size="small"
          icon={<ProfileOutlined />}
          onClick={() => onChunks(doc)}
          disabled={!doc.chunks}
          aria-label={t('kb.docs.chunks')}
          data-testid="doc-chunks"
        />
      </Tooltip>
      <Tooltip title={t('kb.docs.reindex')}>
        <Button
          type="text"
          size="small"
          icon={<SyncOutlined />}
          loading={busy}
          onClick={() => void run(() => reindexDocument(studio, kbId, doc.id), t('kb.docs.reindexed'))}
          aria-label={t('kb.docs.reindex')}
          data-testid="doc-reindex"
        />
      </Tooltip>
      <Popconfirm
        title={t('kb.docs.deleteTitle', { name: doc.name })}
        description={t('kb.docs.deleteBody')}
        okText={t('common.delete')}
        cancelText={t('common.cancel')}
        okButtonProps={{ danger: true, 'data-testid': 'doc-delete-confirm' } as never}
        onConfirm={() => run(() => removeDocument(studio, kbId, doc.id), t('common.deleted'))}
      >
        <Button type="text" size="small" danger icon={<DeleteOutlined />} aria-label={t('common.delete')} data-testid="doc-delete" />
      </Popconfirm>
    </span>
  )
}

interface Props {
  kbId: string
  documents: DocumentsView
  query: DocumentQuery
  onQuery(patch: Partial<DocumentQuery>): void
  onChunks(doc: KbDocument): void
}

/** The documents of the open knowledge base, a page at a time, refreshed live while ingesting. */
export function DocumentsTable({ kbId, documents: { docs, total, counts, loading, error, reload }, query, onQuery, onChunks }: Props) {
  const { t } = useTranslation()
  const formatDate = useFormatDate()
  const units = useUnits()
  const [q, setQ] = useState(query.q)
  useErrorToast(error)

  const statusOptions = [
    { value: '', label: t('kb.docs.allStatuses', { count: counts.total }) },
    ...DocumentStatus.options.filter((s) => counts.byStatus[s]).map((s) => ({ value: s, label: `${t(`kb.status.${s}`)} (${counts.byStatus[s]})` }))
  ]

  const columns: TableColumnsType<KbDocument> = [
    {
      title: t('kb.docs.name'),
      key: 'name',
      render: (_, d) => (
        <Tooltip title={d.location} placement="topLeft">
          <span className="kb-doc-name" data-testid="doc-name">
            {SOURCE_ICONS[d.sourceType]}
            <span>{d.name}</span>
          </span>
        </Tooltip>
      )
    },
    { title: t('kb.docs.chars'), key: 'chars', align: 'right', width: 110, render: (_, d) => units.number(d.chars) },
    {
      title: t('kb.docs.chunkCount'),
      key: 'chunks',
      align: 'right',
      width: 90,
      render: (_, d) => <span data-testid="doc-chunk-count">{units.number(d.chunks)}</span>
    },
    { title: t('kb.docs.status'), key: 'status', width: 260, render: (_, d) => <DocumentStatusTag doc={d} /> },
    {
      title: t('kb.docs.time'),
      key: 'time',
      width: 190,
      render: (_, d) => (
        <Tooltip title={d.startedAt && d.finishedAt ? t('kb.docs.took', { time: units.duration(d.finishedAt - d.startedAt) }) : undefined}>
          <span className="muted">{formatDate(d.updatedAt)}</span>
        </Tooltip>
      )
    },
    { title: '', key: 'actions', width: 120, align: 'right', render: (_, d) => <RowActions kbId={kbId} doc={d} onChunks={onChunks} /> }
  ]

  return (
    <div className="kb-docs" data-testid="doc-table">
      <div className="kb-toolbar">
        <Input
          allowClear
          prefix={<SearchOutlined />}
          placeholder={t('kb.docs.search')}
          value={q}
          onChange={(e) => {
            setQ(e.target.value)
            if (!e.target.value) onQuery({ q: '' })
          }}
          onPressEnter={() => onQuery({ q })}
          className="page-search"
        />
        <Select
          value={query.status ?? ''}
          options={statusOptions}
          onChange={(v) => onQuery({ status: (v || null) as KbDocument['status'] | null })}
          className="kb-status-filter"
          data-testid="doc-status-filter"
        />
        <span className="grow" />
        <Tooltip title={t('kb.docs.refresh')}>
          <Button icon={<ReloadOutlined />} onClick={reload} aria-label={t('kb.docs.refresh')} />
        </Tooltip>
      </div>
      <Table<KbDocument>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={docs}
        loading={loading && !docs.length}
        locale={{ emptyText: query.q || query.status ? t('kb.docs.noMatch') : t('kb.docs.empty') }}
        pagination={{
          current: query.page,
          pageSize: query.pageSize,
          total,
          showSizeChanger: true,
          hideOnSinglePage: total <= 10,
          onChange: (page, pageSize) => onQuery({ page, pageSize })
        }}
      />
    </div>
  )
}
