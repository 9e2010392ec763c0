import { CheckCircleOutlined, SafetyOutlined, StopOutlined } from '@ant-design/icons'
import { Button, Tooltip } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useFeedback } from '../ui/feedback'
import type { WaitState } from './model'

/** What the core puts in a confirmation's schema (src-main/core/mcp/confirm.ts). */
export interface ConfirmDetails {
  server: string
  tool: string
  arguments?: Record<string, unknown>
  always?: boolean
}

export function confirmDetails(schema: unknown): ConfirmDetails | null {
  const d = (schema as { 'x-agenta-confirm'?: Partial<ConfirmDetails> } | null)?.['x-agenta-confirm']
  return d && typeof d.tool === 'string' && typeof d.server === 'string' ? (d as ConfirmDetails) : null
}

type Choice = 'once' | 'always' | 'deny'
const ANSWERS: Record<Choice, unknown> = {
  once: { confirmed: true },
  always: { confirmed: true, always: true },
  deny: { confirmed: false }
}

/** "May this tool run?" in the user's language: allow once, always allow (this server, this agent), deny. */
export function ToolConfirm({ wait, details, onAnswer }: { wait: WaitState; details: ConfirmDetails; onAnswer: (data: unknown) => Promise<void> }) {
  const { t } = useTranslation()
  const { fail } = useFeedback()
  const [sending, setSending] = useState<Choice | null>(null)
  const [chosen, setChosen] = useState<Choice | null>(null)
  const answer = async (choice: Choice) => {
    setSending(choice)
    try {
      await onAnswer(ANSWERS[choice])
      setChosen(choice)
    } catch (err) {
      fail(err)
    } finally {
      setSending(null)
    }
  }
  const args = details.arguments && Object.keys(details.arguments).length ? JSON.stringify(details.arguments, null, 2) : null
  return (
    <div className="wait-form tool-confirm" data-testid="tool-confirm">
      <div className="wait-question">
        <SafetyOutlined /> {t('chat.confirm.question', { tool: details.tool, server: details.server })}
      </div>
      {args && (
        <div className="tool-confirm-args">
          <div className="muted small">{t('chat.confirm.arguments')}</div>
          <pre data-testid="tool-confirm-args">{args}</pre>
        </div>
      )}
      {wait.answered || chosen ? (
        <div className="muted small" data-testid="tool-confirm-answered">
          {chosen ? t(`chat.confirm.chosen.${chosen}`) : t('chat.wait.answered')}
        </div>
      ) : (
        <div className="wait-row tool-confirm-actions">
          <Button
            type="primary"
            icon={<CheckCircleOutlined />}
            loading={sending === 'once'}
            disabled={!!sending}
            onClick={() => void answer('once')}
            data-testid="confirm-once"
          >
            {t('chat.confirm.once')}
          </Button>
          {details.always !== false && (
            <Tooltip title={t('chat.confirm.alwaysHelp', { server: details.server })}>
              <Button loading={sending === 'always'} disabled={!!sending} onClick={() => void answer('always')} data-testid="confirm-always">
                {t('chat.confirm.always')}
              </Button>
            </Tooltip>
          )}
          <Button
            danger
            icon={<StopOutlined />}
            loading={sending === 'deny'}
            disabled={!!sending}
            onClick={() => void answer('deny')}
            data-testid="confirm-deny"
          >
            {t('chat.confirm.deny')}
          </Button>
        </div>
      )}
    </div>
  )
}
