import { QuestionCircleOutlined } from '@ant-design/icons'
import { Button, Input, InputNumber, Switch } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useFeedback } from '../ui/feedback'
import type { WaitState } from './model'
import { confirmDetails, ToolConfirm } from './ToolConfirm'

type Kind = 'string' | 'number' | 'boolean'
const kindOf = (schema: unknown): Kind => {
  const type = (schema as { type?: unknown } | undefined)?.type
  return type === 'number' || type === 'integer' ? 'number' : type === 'boolean' ? 'boolean' : 'string'
}

/** The agent asked for something (`wait` of kind input): a small form that answers the turn. */
export function WaitForm({ wait, onAnswer }: { wait: WaitState; onAnswer: (data: unknown) => Promise<void> }) {
  const { t } = useTranslation()
  const { fail } = useFeedback()
  const kind = kindOf(wait.schema)
  const [value, setValue] = useState<string | number | boolean | null>(kind === 'boolean' ? false : kind === 'number' ? null : '')
  const [sending, setSending] = useState(false)
  if (wait.kind !== 'input') return <div className="wait-note muted small">{t(`chat.wait.${wait.kind}`)}</div>
  const confirm = confirmDetails(wait.schema)
  if (confirm) return <ToolConfirm wait={wait} details={confirm} onAnswer={onAnswer} />
  const submit = async () => {
    setSending(true)
    try {
      await onAnswer(value)
    } catch (err) {
      fail(err)
    } finally {
      setSending(false)
    }
  }
  const empty = kind === 'string' ? !String(value ?? '').trim() : kind === 'number' ? value === null : false
  return (
    <div className="wait-form" data-testid="wait-form">
      <div className="wait-question">
        <QuestionCircleOutlined /> {wait.text || t('chat.wait.input')}
      </div>
      {wait.answered ? (
        <div className="muted small">{t('chat.wait.answered')}</div>
      ) : (
        <div className="wait-row">
          {kind === 'boolean' ? (
            <Switch checked={value === true} onChange={setValue} checkedChildren={t('chat.wait.yes')} unCheckedChildren={t('chat.wait.no')} />
          ) : kind === 'number' ? (
            <InputNumber value={value as number | null} onChange={(v) => setValue(v)} className="grow" />
          ) : (
            <Input
              value={String(value ?? '')}
              onChange={(e) => setValue(e.target.value)}
              onPressEnter={() => !empty && void submit()}
              className="grow"
              data-testid="wait-input"
              autoFocus
            />
          )}
          <Button type="primary" loading={sending} disabled={empty} onClick={() => void submit()} data-testid="wait-submit">
            {t('chat.wait.send')}
          </Button>
        </div>
      )}
    </div>
  )
}
