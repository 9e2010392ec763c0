import { DeleteOutlined, PlusOutlined } from '@ant-design/icons'
import type { Model } from '@contract/entities'
import { Button, Empty, Form, Input, Select } from 'antd'
import { useTranslation } from 'react-i18next'
import { EmojiPicker } from '../../ui/EmojiPicker'
import { useModelOptions, type ModelGroup } from '../../ui/useModelOptions'
import { packModel } from './agent-form'

// The agent's basic fields, once: the "new agent" drawer and the editor's sections both place
// these inside their own antd Form (AgentFormValues).

const MAX_PHRASES = 20
const chatValue = (m: Model) => packModel(m.providerId, m.modelId)

/** The chat models to pick from, grouped by provider, valued as the form stores them. */
export const useChatModelOptions = (): ModelGroup[] => useModelOptions('chat', chatValue)

export function NameFields() {
  const { t } = useTranslation()
  return (
    <>
      <div className="form-row-avatar">
        <Form.Item name="avatar" noStyle>
          <EmojiPicker />
        </Form.Item>
        <Form.Item name="name" label={t('agents.name')} rules={[{ required: true, whitespace: true, message: t('agents.nameRequired') }]} className="grow">
          <Input maxLength={64} showCount placeholder={t('agents.namePlaceholder')} data-testid="agent-name" />
        </Form.Item>
      </div>
      <Form.Item name="description" label={t('agents.description')}>
        <Input.TextArea maxLength={500} autoSize={{ minRows: 1, maxRows: 4 }} placeholder={t('agents.descriptionPlaceholder')} />
      </Form.Item>
    </>
  )
}

export function ModelField({ groups }: { groups: ModelGroup[] }) {
  const { t } = useTranslation()
  return (
    <Form.Item name="model" label={t('agents.model')} extra={groups.length === 0 ? t('agents.noModelsHint') : undefined}>
      <Select
        allowClear
        showSearch
        placeholder={t('agents.modelPlaceholder')}
        options={groups}
        optionFilterProp="label"
        notFoundContent={<Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('agents.noModels')} />}
        data-testid="agent-model"
      />
    </Form.Item>
  )
}

export function PromptField({ label }: { label?: boolean }) {
  const { t } = useTranslation()
  return (
    <Form.Item
      name="systemPrompt"
      label={label ? t('agents.systemPrompt') : undefined}
      extra={t('workspace.promptHint', { v1: '{{date}}', v2: '{{time}}', v3: '{{user_id}}' })}
    >
      <Input.TextArea autoSize={{ minRows: 4, maxRows: 16 }} placeholder={t('agents.systemPromptPlaceholder')} data-testid="agent-prompt" />
    </Form.Item>
  )
}

export function WelcomeFields() {
  const { t } = useTranslation()
  return (
    <>
      <Form.Item name="welcomeMessage" label={t('agents.welcome')}>
        <Input.TextArea maxLength={2000} autoSize={{ minRows: 2, maxRows: 5 }} placeholder={t('agents.welcomePlaceholder')} data-testid="agent-welcome" />
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
                <Button type="dashed" icon={<PlusOutlined />} onClick={() => add('')} block data-testid="agent-add-phrase">
                  {t('agents.addPhrase')}
                </Button>
              )}
            </div>
          )}
        </Form.List>
      </Form.Item>
    </>
  )
}
