import type { ChunkView, KbDocument } from '@contract/knowledge'
import { Alert, Button, Drawer, Empty, Spin, Tag } from 'antd'
import { useTranslation } from 'react-i18next'
import { useChunks } from '../../queries/knowledge'
import { useUnits } from '../../ui/units'
import { translateError } from '../../api/errors'

function Chunk({ chunk }: { chunk: ChunkView }) {
  const { t } = useTranslation()
  return (
    <div className="kb-chunk" data-testid="chunk">
      <div className="kb-chunk-head">
        <Tag variant="filled" className="mono">
          #{chunk.index + 1}
        </Tag>
        {chunk.headingPath.length > 0 && (
          <span className="kb-heading-path" data-testid="chunk-heading">
            {chunk.headingPath.join(' › ')}
          </span>
        )}
        <span className="grow" />
        {chunk.page !== null && <Tag variant="filled">{t('kb.chunks.page', { page: chunk.page })}</Tag>}
        <span className="muted small">{t('kb.chunks.at', { start: chunk.charStart, length: chunk.text.length })}</span>
      </div>
      <div className="kb-chunk-text">{chunk.text}</div>
    </div>
  )
}

/** A document's chunks in order, with the heading path and page each one keeps. */
export function ChunkDrawer({ kbId, doc, onClose }: { kbId: string; doc: KbDocument | null; onClose: () => void }) {
  const { t } = useTranslation()
  const units = useUnits()
  const q = useChunks(kbId, doc?.id ?? null)
  const items = q.data?.items ?? []
  const total = q.data?.total ?? 0
  const loading = q.isFetching
  return (
    <Drawer
      open={!!doc}
      onClose={onClose}
      size={680}
      title={doc ? t('kb.chunks.title', { name: doc.name }) : ''}
      extra={doc && <span className="muted">{t('kb.chunks.summary', { count: total, chars: units.number(doc.chars) })}</span>}
      destroyOnHidden
    >
      {doc && (
        <div className="kb-chunks" data-testid="chunk-drawer">
          {q.error && <Alert type="error" showIcon title={translateError(q.error)} className="kb-note" />}
          {items.map((c) => (
            <Chunk key={c.id} chunk={c} />
          ))}
          {loading && <Spin className="kb-center" />}
          {!loading && !q.error && !items.length && <Empty description={t('kb.chunks.empty')} />}
          {!loading && q.hasNextPage && (
            <Button block onClick={() => void q.fetchNextPage()}>
              {t('kb.chunks.more', { count: total - items.length })}
            </Button>
          )}
        </div>
      )}
    </Drawer>
  )
}
