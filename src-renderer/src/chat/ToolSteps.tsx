import { CheckCircleFilled, CloseCircleFilled, LoadingOutlined, ToolOutlined } from '@ant-design/icons'
import { Collapse, Image } from 'antd'
import type { TFunction } from 'i18next'
import { useTranslation } from 'react-i18next'
import type { ToolStep } from './model'

/** JSON pretty-printed when it is JSON; anything else as it came. */
export function pretty(text: string | undefined): string {
  if (!text) return ''
  try {
    return JSON.stringify(JSON.parse(text), null, 2)
  } catch {
    return text
  }
}

/** "3 of 5 · Copying files" from what the tool's server last reported. */
function progressText({ progress, total, message }: NonNullable<ToolStep['progress']>, t: TFunction): string {
  const count = total !== undefined ? t('chat.toolProgress', { progress, total }) : String(progress)
  return message ? `${count} · ${message}` : count
}

function StepLabel({ step }: { step: ToolStep }) {
  const { t } = useTranslation()
  const icon =
    step.result === undefined ? (
      <LoadingOutlined className="step-running" />
    ) : step.isError ? (
      <CloseCircleFilled className="step-failed" />
    ) : (
      <CheckCircleFilled className="step-ok" />
    )
  return (
    <span className="step-label" data-testid="tool-step-label">
      {icon}
      <ToolOutlined className="muted" />
      <span className="mono">{step.name}</span>
      <span className="muted small">
        {step.result === undefined ? t('chat.toolRunning') : step.isError ? t('chat.toolFailed') : t('chat.toolDone')}
        {step.result === undefined && step.progress && <span data-testid="tool-step-progress"> · {progressText(step.progress, t)}</span>}
        {step.durationMs !== undefined && ` · ${t('chat.ms', { ms: step.durationMs })}`}
      </span>
    </span>
  )
}

/** The tool calls of one step of the agent, collapsed to one line each; open to see arguments and result. */
export function ToolSteps({ steps }: { steps: ToolStep[] }) {
  const { t } = useTranslation()
  const items = steps.map((step) => ({
    key: step.id,
    label: <StepLabel step={step} />,
    children: (
      <div className="step-detail">
        <div className="step-detail-title">{t('chat.arguments')}</div>
        <pre className="step-pre">{pretty(step.arguments) || '{}'}</pre>
        {step.result !== undefined && (
          <>
            <div className="step-detail-title">{t('chat.result')}</div>
            <pre className={`step-pre ${step.isError ? 'step-pre-error' : ''}`} data-testid="tool-step-result">
              {pretty(step.result)}
            </pre>
          </>
        )}
      </div>
    )
  }))
  const images = steps.flatMap((step) => (step.images ?? []).map((src, i) => ({ src, key: `${step.id}-${i}`, name: step.name })))
  return (
    <>
      <Collapse size="small" className="tool-steps" items={items} data-testid="tool-steps" />
      {/* Shown, not only described: the result text keeps "[image 1: …]" for the model. */}
      {images.length > 0 && (
        <div className="tool-images">
          <Image.PreviewGroup>
            {images.map((im) => (
              <Image key={im.key} src={im.src} alt={t('chat.toolImage', { tool: im.name })} className="tool-image" />
            ))}
          </Image.PreviewGroup>
        </div>
      )}
    </>
  )
}
