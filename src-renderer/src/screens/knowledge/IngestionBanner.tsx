import { Alert, Progress } from 'antd'
import { useTranslation } from 'react-i18next'
import { useArea } from '../../stores/hooks'
import { useUnits } from '../../ui/units'

/** Live ingestion of the open knowledge base: documents, chunks, bytes and time left. */
export function IngestionBanner() {
  const { t } = useTranslation()
  const units = useUnits()
  const progress = useArea('knowledge', (s) => s.progress)
  const reembedError = useArea('knowledge', (s) => s.status?.reembedError ?? null)
  const reembed = progress?.reembed

  return (
    <>
      {progress?.running && (
        <div className="kb-progress" data-testid="kb-progress">
          <div className="kb-progress-text">
            <strong>{t('kb.progress.title')}</strong>
            <span>{t('kb.progress.documents', { done: units.number(progress.documentsDone), total: units.number(progress.documentsTotal) })}</span>
            <span>{t('kb.progress.chunks', { n: units.number(progress.chunks) })}</span>
            {progress.bytesTotal > 0 && <span>{t('kb.progress.bytes', { done: units.bytes(progress.bytesDone), total: units.bytes(progress.bytesTotal) })}</span>}
            {progress.documentsFailed > 0 && <span className="kb-upload-error">{t('kb.progress.failed', { count: progress.documentsFailed })}</span>}
            <span className="grow" />
            <span className="muted">{progress.etaMs === null ? t('kb.progress.etaUnknown') : t('kb.progress.eta', { time: units.duration(progress.etaMs) })}</span>
          </div>
          <Progress percent={percentOf(progress.documentsDone, progress.documentsTotal)} status="active" showInfo={false} />
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
      {reembedError && <Alert type="error" showIcon className="kb-note" title={t('kb.progress.reembedFailed', { message: reembedError })} />}
    </>
  )
}

const percentOf = (done: number, total: number) => (total ? Math.floor((done / total) * 100) : 0)
