import { NodeIndexOutlined } from '@ant-design/icons'
import { Alert, Button, Popover, Spin, Tag, Tooltip } from 'antd'
import { useTranslation } from 'react-i18next'
import { runSpan, useRunSteps } from './use-run-steps'
import type { ConversationStore } from '../stores/conversation'

function TraceTable({ store, runId }: { store: ConversationStore; runId: string }) {
  const { t } = useTranslation()
  const { steps, error } = useRunSteps(store.getState().trace, runId)
  if (error) return <Alert type="error" showIcon title={t('chat.traceFailed', { message: error })} />
  if (!steps) return <Spin size="small" />
  if (!steps.length) return <span className="muted">{t('chat.traceEmpty')}</span>
  const { start, end, span } = runSpan(steps)
  return (
    <div className="trace" data-testid="run-trace">
      <div className="trace-head muted small">
        {t('chat.traceTotal', {
          ms: end - start,
          tokensIn: steps.reduce((n, s) => n + s.tokensIn, 0),
          tokensOut: steps.reduce((n, s) => n + s.tokensOut, 0)
        })}
      </div>
      {steps.map((s) => {
        const ms = (s.endedAt ?? s.startedAt) - s.startedAt
        return (
          <div key={s.id} className="trace-row" data-testid="trace-row">
            <Tag color={s.kind === 'model' ? 'blue' : 'purple'} variant="filled">
              {t(`chat.stepKind.${s.kind}`)}
            </Tag>
            <Tooltip title={s.error ?? undefined}>
              <span className={`mono trace-name ${s.error ? 'trace-error' : ''}`}>{s.name}</span>
            </Tooltip>
            <span className="trace-bar">
              <span style={{ left: `${((s.startedAt - start) / span) * 100}%`, width: `${Math.max(1, (ms / span) * 100)}%` }} />
            </span>
            <span className="trace-num">{t('chat.ms', { ms })}</span>
            <span className="trace-num muted">{s.kind === 'model' ? t('chat.tokens', { in: s.tokensIn, out: s.tokensOut }) : ''}</span>
          </div>
        )
      })}
    </div>
  )
}

/** A button that shows the run's trace: every model and tool call with its time and tokens. */
export function RunTrace({ store, runId }: { store: ConversationStore; runId: string }) {
  const { t } = useTranslation()
  return (
    <Popover trigger="click" placement="topLeft" title={t('chat.trace')} content={<TraceTable store={store} runId={runId} />} destroyOnHidden>
      <Tooltip title={t('chat.trace')}>
        <Button type="text" size="small" icon={<NodeIndexOutlined />} aria-label={t('chat.trace')} data-testid="run-trace-open" />
      </Tooltip>
    </Popover>
  )
}
