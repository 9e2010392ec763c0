import type { RunStep } from '@contract/chat'
import { Alert, Collapse, Spin, Tag, Tooltip } from 'antd'
import { useTranslation } from 'react-i18next'
import { runSpan } from '../../chat/use-run-steps'
import { useTrace } from '../../queries/employees'
import { useUnits } from '../../ui/units'

function StepBody({ step }: { step: RunStep }) {
  const { t } = useTranslation()
  return (
    <div className="emp-step-body">
      {step.error && <Alert type="error" showIcon title={step.error} />}
      {step.input && (
        <>
          <div className="emp-step-label">{t('employees.trace.input')}</div>
          <pre className="emp-pre mono">{step.input}</pre>
        </>
      )}
      {step.output && (
        <>
          <div className="emp-step-label">{t('employees.trace.output')}</div>
          <pre className="emp-pre mono">{step.output}</pre>
        </>
      )}
    </div>
  )
}

/** Every model and tool call of a run, on one time line, each expandable to its input and output. */
export function RunTrace({ runId }: { runId: string }) {
  const { t } = useTranslation()
  const units = useUnits()
  const { steps, error } = useTrace(runId)

  if (error) return <Alert type="error" showIcon title={t('employees.trace.failed', { message: error })} />
  if (!steps) return <Spin size="small" />
  if (!steps.length) return <span className="muted">{t('employees.trace.empty')}</span>
  const { start, end, span } = runSpan(steps)
  const items = steps.map((s) => {
    const ms = (s.endedAt ?? s.startedAt) - s.startedAt
    return {
      key: s.id,
      label: (
        <div className="emp-step" data-testid="trace-step">
          <Tag color={s.kind === 'model' ? 'blue' : 'purple'} variant="filled">
            {t(`employees.trace.kind.${s.kind}`)}
          </Tag>
          <Tooltip title={s.error ?? undefined}>
            <span className={`mono emp-step-name ${s.error ? 'is-error' : ''}`}>{s.name}</span>
          </Tooltip>
          <span className="emp-step-bar">
            <span style={{ left: `${((s.startedAt - start) / span) * 100}%`, width: `${Math.max(1, (ms / span) * 100)}%` }} />
          </span>
          <span className="emp-step-num">{units.duration(ms)}</span>
          <span className="emp-step-num muted">{s.kind === 'model' ? t('employees.trace.tokens', { in: s.tokensIn, out: s.tokensOut }) : ''}</span>
        </div>
      ),
      children: <StepBody step={s} />
    }
  })
  return (
    <div className="emp-trace" data-testid="run-trace">
      <div className="muted small">
        {t('employees.trace.total', {
          time: units.duration(end - start),
          tokensIn: steps.reduce((n, s) => n + s.tokensIn, 0),
          tokensOut: steps.reduce((n, s) => n + s.tokensOut, 0)
        })}
      </div>
      <Collapse size="small" items={items} ghost />
    </div>
  )
}
