import { CheckCircleFilled, SmileOutlined } from '@ant-design/icons'
import type { DigitalHuman } from '@contract/digital-humans'
import { builtinLookRef } from '@contract/digital-humans'
import { Button, Form } from 'antd'
import { useTranslation } from 'react-i18next'
import { DigitalHumanAvatar } from '../../../../../digitalhuman/avatar/react-avatar'
import { routeTo } from '../../../shell/route'
import { Section } from './Section'
import '../../digital-humans/digital-humans.css'
import { useCollection } from '../../../queries/collections'

interface Choice {
  id: string
  name: string
  look: DigitalHuman['look']
  palette: DigitalHuman['palette']
}

/** One row of avatar tiles (a form control): none, or one of the registry's digital humans. */
function AvatarChoice({
  value,
  onChange,
  choices,
  testId
}: {
  value?: string | null
  onChange?: (v: string | null) => void
  choices: Choice[]
  testId: string
}) {
  const { t } = useTranslation()
  // An agent saved with a bare built-in look keeps it shown until another is picked.
  const legacy = value && !choices.some((c) => c.id === value) ? builtinLookRef(value) : null
  const all: Choice[] = legacy ? [...choices, { id: value!, name: t(`digitalHumans.looks.${legacy}`), look: legacy, palette: 'blue' }] : choices
  return (
    <div className="dh-pick-grid" role="radiogroup" data-testid={testId}>
      <button
        type="button"
        role="radio"
        aria-checked={!value}
        aria-label={t('workspace.dh.none')}
        className={`dh-pick dh-pick-none${!value ? ' selected' : ''}`}
        onClick={() => onChange?.(null)}
      >
        <span className="muted">{t('workspace.dh.none')}</span>
      </button>
      {all.map((c) => (
        <button
          key={c.id}
          type="button"
          role="radio"
          aria-checked={value === c.id}
          aria-label={c.name}
          className={`dh-pick${value === c.id ? ' selected' : ''}`}
          onClick={() => onChange?.(c.id)}
        >
          <DigitalHumanAvatar look={c.look} palette={c.palette} label={c.name} />
          <span className="dh-pick-name">{c.name}</span>
          {value === c.id && <CheckCircleFilled className="dh-pick-check" />}
        </button>
      ))}
    </div>
  )
}

/** The original editor's two pickers: the avatar that chats (the kiosk's) and the one that narrates explainers. */
export function DigitalHumanSection({ voiceOverride }: { voiceOverride: boolean }) {
  const { t } = useTranslation()
  const items = useCollection('digitalHumans').items
  const choices = items.map(({ id, name, look, palette }) => ({ id, name, look, palette }))
  return (
    <Section
      icon={<SmileOutlined />}
      title={t('workspace.dh.title')}
      testId="ws-digital-human"
      extra={
        <Button type="link" size="small" onClick={() => routeTo('digitalHumans')}>
          {t('workspace.dh.manage')}
        </Button>
      }
    >
      {items.length === 0 && <p className="muted small ws-hint">{t('workspace.dh.empty')}</p>}
      <Form.Item name="chatAvatarId" label={t('workspace.dh.chat')} tooltip={t('workspace.dh.chatHelp')}>
        <AvatarChoice choices={choices} testId="ws-chat-avatar" />
      </Form.Item>
      <Form.Item name="explainerAvatarId" label={t('workspace.dh.explainer')} tooltip={t('workspace.dh.explainerHelp')}>
        <AvatarChoice choices={choices} testId="ws-explainer-avatar" />
      </Form.Item>
      {voiceOverride && <p className="muted small ws-hint">{t('workspace.dh.voiceOverride')}</p>}
    </Section>
  )
}
