import {
  AppstoreOutlined,
  BgColorsOutlined,
  BulbOutlined,
  DatabaseOutlined,
  DeleteOutlined,
  MessageOutlined,
  PlusOutlined,
  SlidersOutlined,
  UserOutlined
} from '@ant-design/icons'
import type { Model } from '@contract/entities'
import { Button, ColorPicker, Empty, Form, Input, InputNumber, Segmented, Select, Switch } from 'antd'
import { useTranslation } from 'react-i18next'
import { EmojiPicker } from '../../../ui/EmojiPicker'
import { useModelOptions } from '../../../ui/useModelOptions'
import { packModel } from '../agent-form'
import { CardTemplatePicker } from './CardTemplatePicker'
import { Section } from './Section'

const MAX_PHRASES = 20
const chatValue = (m: Model) => packModel(m.providerId, m.modelId)
const COLORS = ['#4f6ef7', '#1677ff', '#13c2c2', '#52c41a', '#fa8c16', '#eb2f96', '#722ed1', '#2f3542']

export function BasicsSection() {
  const { t } = useTranslation()
  return (
    <Section icon={<UserOutlined />} title={t('workspace.basics')}>
      <div className="form-row-avatar">
        <Form.Item name="avatar" noStyle>
          <EmojiPicker />
        </Form.Item>
        <Form.Item name="name" label={t('agents.name')} rules={[{ required: true, whitespace: true, message: t('agents.nameRequired') }]} className="grow">
          <Input maxLength={64} showCount data-testid="ws-name" />
        </Form.Item>
      </div>
      <Form.Item name="description" label={t('agents.description')}>
        <Input.TextArea maxLength={500} autoSize={{ minRows: 1, maxRows: 4 }} placeholder={t('agents.descriptionPlaceholder')} />
      </Form.Item>
    </Section>
  )
}

export function ModelSection() {
  const { t } = useTranslation()
  const groups = useModelOptions('chat', chatValue)
  const param = (name: string, min: number, max: number, step: number) => (
    <Form.Item name={name} label={t(`workspace.params.${name}`)} tooltip={t(`workspace.params.${name}Help`)}>
      <InputNumber min={min} max={max} step={step} placeholder={t('workspace.params.default')} className="full-width" />
    </Form.Item>
  )
  return (
    <Section icon={<SlidersOutlined />} title={t('workspace.modelAndParams')}>
      <Form.Item name="model" label={t('agents.model')} extra={groups.length === 0 ? t('agents.noModelsHint') : undefined}>
        <Select
          allowClear
          showSearch
          placeholder={t('agents.modelPlaceholder')}
          options={groups}
          optionFilterProp="label"
          notFoundContent={<Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('agents.noModels')} />}
          data-testid="ws-model"
        />
      </Form.Item>
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
      <Form.Item name="systemPrompt" extra={t('workspace.promptHint', { v1: '{{date}}', v2: '{{time}}', v3: '{{user_id}}' })}>
        <Input.TextArea autoSize={{ minRows: 4, maxRows: 16 }} placeholder={t('agents.systemPromptPlaceholder')} data-testid="ws-prompt" />
      </Form.Item>
    </Section>
  )
}

export function WelcomeSection() {
  const { t } = useTranslation()
  return (
    <Section icon={<MessageOutlined />} title={t('workspace.welcome')}>
      <Form.Item name="welcomeMessage" label={t('agents.welcome')}>
        <Input.TextArea maxLength={2000} autoSize={{ minRows: 2, maxRows: 5 }} placeholder={t('agents.welcomePlaceholder')} data-testid="ws-welcome" />
      </Form.Item>
      <Form.Item label={t('agents.quickPhrases')} tooltip={t('agents.quickPhrasesHelp')}>
        <Form.List name="quickPhrases">
          {(fields, { add, remove }) => (
            <div className="phrase-list">
              {fields.map((field) => (
                <div className="phrase-row" key={field.key}>
                  <Form.Item name={field.name} noStyle rules={[{ required: true, whitespace: true, message: t('agents.phraseEmpty') }]}>
                    <Input maxLength={200} placeholder={t('agents.phrasePlaceholder')} />
                  </Form.Item>
                  <Button type="text" icon={<DeleteOutlined />} onClick={() => remove(field.name)} aria-label={t('common.delete')} />
                </div>
              ))}
              {fields.length < MAX_PHRASES && (
                <Button type="dashed" icon={<PlusOutlined />} onClick={() => add('')} block data-testid="ws-add-phrase">
                  {t('agents.addPhrase')}
                </Button>
              )}
            </div>
          )}
        </Form.List>
      </Form.Item>
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
