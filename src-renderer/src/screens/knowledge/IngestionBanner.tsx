import { activeDocumentStatuses, type KnowledgeBaseStatus } from '@contract/knowledge'
import { Alert, Progress } from 'antd'
import { useTranslation } from 'react-i18next'
import { translateMessage } from '../../api/errors'
import { useKbStatus } from '../../queries/knowledge'
import { useUnits } from '../../ui/units'

/**
 * Live ingestion of the open knowledge base: documents, chunks, bytes and time left. The progress
 * is the status's, kept current by `knowledge.progress` events; the stages, the documents page's counts.
 */
export function IngestionBanner({ kbId, counts }: { kbId: string; counts: KnowledgeBaseStatus['counts'] }) {
  const { t } = useTranslation()
  const units = useUnits()
  const status = useKbStatus(kbId)
  const progress = status?.progress
  const reembedError = status?.reembedError
    ? translateMessage({ reason: status.reembedReason ?? undefined, params: status.reembedParams ?? undefined, message: status.reembedError }, t)
    : null
  const reembed = progress?.reembed

  return (
    <>
      {progress?.running && (
        <div className="kb-progress" data-testid="kb-progress">
          <div className="kb-progress-text">
            <strong>{t('kb.progress.title')}</strong>
            <span>{t('kb.progress.documents', { done: units.number(progress.documentsDone), total: units.number(progress.documentsTotal) })}</span>
            <span>{t('kb.progress.chunks', { n: units.number(progress.chunks) })}</span>
            {progress.bytesTotal > 0 && (
              <span>{t('kb.progress.bytes', { done: units.bytes(progress.bytesDone), total: units.bytes(progress.bytesTotal) })}</span>
            )}
            {progress.documentsFailed > 0 && <span className="kb-upload-error">{t('kb.progress.failed', { count: progress.documentsFailed })}</span>}
            <span className="grow" />
            <span className="kb-stages">
              {activeDocumentStatuses
                .filter((st) => counts.byStatus[st])
                .map((st) => (
                  <span key={st} className="kb-stage">
                    {t(`kb.status.${st}`)} {counts.byStatus[st]}
                  </span>
                ))}
            </span>
            <span className="muted">
              {progress.etaMs === null ? t('kb.progress.etaUnknown') : t('kb.progress.eta', { time: units.duration(progress.etaMs) })}
            </span>
          </div>
          <Progress percent={runPercent(progress.documentsDone, progress.documentsTotal, counts)} status="active" showInfo={false} />
        </div>
      )}
      {reembed && (
        <div className="kb-progress">
          <div className="kb-progress-text">
            <strong>{t('kb.progress.reembed')}</strong>
            <span>{t('kb.progress.documents', { done: units.number(reembed.done), total: units.number(reembed.total) })}</span>
          </div>
          <Progress percent={percentOf(reembed.done, reembed.total)} status="active" showInfo={false} />
        </div>
      )}
      {reembedError && (
        <Alert type="error" showIcon className="kb-note" data-testid="kb-reembed-error" title={t('kb.progress.reembedFailed', { message: reembedError })} />
      )}
    </>
  )
}

const percentOf = (done: number, total: number) => (total ? Math.floor((done / total) * 100) : 0)

// Documents count as done only when a batch is served, all at once; until then the stage each
// in-flight document has reached moves the bar (only this run's documents can be in those stages).
const STAGE_WEIGHT = { queued: 0, parsing: 0.1, chunking: 0.2, embedding: 0.5, indexing: 0.9 } as const
function runPercent(done: number, total: number, counts: KnowledgeBaseStatus['counts']): number {
  if (!total) return 0
  const partial = activeDocumentStatuses.reduce((n, st) => n + (counts.byStatus[st] ?? 0) * STAGE_WEIGHT[st], 0)
  return Math.min(99, Math.floor(((done + partial) / total) * 100))
}
