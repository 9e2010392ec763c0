import { AppstoreOutlined, BgColorsOutlined, BulbOutlined, DatabaseOutlined, MessageOutlined, SlidersOutlined, UserOutlined } from '@ant-design/icons'
import { ColorPicker, Form, InputNumber, Segmented, Switch } from 'antd'
import { useTranslation } from 'react-i18next'
import { ModelField, NameFields, PromptField, useChatModelOptions, WelcomeFields } from '../AgentFields'
import { CardTemplatePicker } from './CardTemplatePicker'
import { Section } from './Section'

const COLORS = ['#4f6ef7', '#1677ff', '#13c2c2', '#52c41a', '#fa8c16', '#eb2f96', '#722ed1', '#2f3542']

export function BasicsSection() {
  const { t } = useTranslation()
  return (
    <Section icon={<UserOutlined />} title={t('workspace.basics')}>
      <NameFields />
    </Section>
  )
}

export function ModelSection() {
  const { t } = useTranslation()
  const groups = useChatModelOptions()
  const param = (name: string, min: number, max: number, step: number) => (
    <Form.Item name={name} label={t(`workspace.params.${name}`)} tooltip={t(`workspace.params.${name}Help`)}>
      <InputNumber min={min} max={max} step={step} placeholder={t('workspace.params.default')} className="full-width" />
    </Form.Item>
  )
  return (
    <Section icon={<SlidersOutlined />} title={t('workspace.modelAndParams')}>
      <ModelField groups={groups} />
      <div className="form-grid-3">
        {param('temperature', 0, 2, 0.1)}
        {param('topP', 0, 1, 0.05)}
        {param('maxTokens', 1, 1_000_000, 256)}
        {param('presencePenalty', -2, 2, 0.1)}
        {param('frequencyPenalty', -2, 2, 0.1)}
        <Form.Item name="maxSteps" label={t('workspace.maxSteps')} tooltip={t('workspace.maxStepsHelp')} rules={[{ required: true }]}>
          <InputNumber min={1} max={50} className="full-width" data-testid="ws-max-steps" />
        </Form.Item>
      </div>
    </Section>
  )
}

export function PromptSection() {
  const { t } = useTranslation()
  return (
    <Section icon={<BulbOutlined />} title={t('agents.systemPrompt')}>
      <PromptField />
    </Section>
  )
}

export function WelcomeSection() {
  const { t } = useTranslation()
  return (
    <Section icon={<MessageOutlined />} title={t('workspace.welcome')}>
      <WelcomeFields />
    </Section>
  )
}

export function CardsSection() {
  const { t } = useTranslation()
  return (
    <Section icon={<AppstoreOutlined />} title={t('workspace.cards')}>
      <p className="muted small ws-hint">{t('workspace.cardsHint')}</p>
      <Form.Item name="cardTemplates" noStyle>
        <CardTemplatePicker />
      </Form.Item>
    </Section>
  )
}

export function ThemeSection() {
  const { t } = useTranslation()
  return (
    <Section icon={<BgColorsOutlined />} title={t('workspace.theme')}>
      <div className="form-grid-2">
        <Form.Item
          name="primaryColor"
          label={t('workspace.primaryColor')}
          getValueFromEvent={(c: { toHexString(): string } | null) => c?.toHexString() ?? null}
        >
          <ColorPicker disabledAlpha allowClear presets={[{ label: t('workspace.presetColors'), colors: COLORS }]} showText />
        </Form.Item>
        <Form.Item name="themeMode" label={t('workspace.themeMode')} tooltip={t('workspace.themeModeHelp')}>
          <Segmented options={(['light', 'dark', 'system'] as const).map((v) => ({ value: v, label: t(`settings.theme.${v}`) }))} />
        </Form.Item>
      </div>
    </Section>
  )
}

export function MemorySection() {
  const { t } = useTranslation()
  return (
    <Section icon={<DatabaseOutlined />} title={t('workspace.memory')}>
      <div className="form-grid-2">
        <Form.Item name="memoryEnabled" label={t('workspace.memoryOn')} tooltip={t('workspace.memoryHelp')} valuePropName="checked">
          <Switch />
        </Form.Item>
        <Form.Item name="memoryShared" label={t('workspace.memoryShared')} tooltip={t('workspace.memorySharedHelp')} valuePropName="checked">
          <Switch />
        </Form.Item>
      </div>
    </Section>
  )
}
