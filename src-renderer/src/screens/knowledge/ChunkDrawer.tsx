import type { ChunkView } from '@contract/knowledge'
import { Alert, Button, Drawer, Empty, Spin, Tag } from 'antd'
import { useTranslation } from 'react-i18next'
import { useArea, useStudio } from '../../stores/hooks'
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
export function ChunkDrawer() {
  const { t } = useTranslation()
  const studio = useStudio()
  const units = useUnits()
  const chunks = useArea('knowledge', (s) => s.chunks)
  const store = studio.knowledge.getState()
  return (
    <Drawer
      open={!!chunks}
      onClose={() => store.closeChunks()}
      size={680}
      title={chunks ? t('kb.chunks.title', { name: chunks.doc.name }) : ''}
      extra={chunks && <span className="muted">{t('kb.chunks.summary', { count: chunks.total, chars: units.number(chunks.doc.chars) })}</span>}
      destroyOnHidden
    >
      {chunks && (
        <div className="kb-chunks" data-testid="chunk-drawer">
          {chunks.error && <Alert type="error" showIcon title={translateError(chunks.error)} className="kb-note" />}
          {chunks.items.map((c) => (
            <Chunk key={c.id} chunk={c} />
          ))}
          {chunks.loading && <Spin className="kb-center" />}
          {!chunks.loading && !chunks.error && !chunks.items.length && <Empty description={t('kb.chunks.empty')} />}
          {!chunks.loading && chunks.items.length < chunks.total && (
            <Button block onClick={() => void store.moreChunks()}>
              {t('kb.chunks.more', { count: chunks.total - chunks.items.length })}
            </Button>
          )}
        </div>
      )}
    </Drawer>
  )
}
