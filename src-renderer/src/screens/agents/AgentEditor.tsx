import { DeleteOutlined, PlusOutlined } from '@ant-design/icons'
import type { Agent, Model } from '@contract/entities'
import { Button, Drawer, Empty, Form, Input, Select } from 'antd'
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useStudio } from '../../stores/hooks'
import { EmojiPicker } from '../../ui/EmojiPicker'
import { useFeedback } from '../../ui/feedback'
import { useModelOptions, type ModelGroup } from '../../ui/useModelOptions'
import { routeTo } from '../../shell/route'
import { agentFieldFor, emptyAgent, packModel, toFormValues, toInput, type AgentFormValues } from './agent-form'

interface Props {
  open: boolean
  /** null creates a new agent. */
  agent: Agent | null
  onClose: () => void
}

const MAX_PHRASES = 20
const chatValue = (m: Model) => packModel(m.providerId, m.modelId)

/** The one enabled chat model of an enabled provider, or undefined when there are none or several. */
function onlyEnabled(groups: ModelGroup[]): string | undefined {
  const usable = groups.flatMap((g) => g.options).filter((o) => o.enabled)
  return usable.length === 1 ? usable[0]!.value : undefined
}

export function AgentEditor({ open, agent, onClose }: Props) {
  const { t } = useTranslation()
  const studio = useStudio()
  const { fail, ok } = useFeedback()
  const [form] = Form.useForm<AgentFormValues>()
  const [saving, setSaving] = useState(false)
  const modelGroups = useModelOptions('chat', chatValue)

  useEffect(() => {
    if (!open) return
    form.resetFields()
    form.setFieldsValue(agent ? toFormValues(agent) : emptyAgent)
  }, [open, agent, form])

  // A new agent starts on the only usable chat model, as the server does when none is given:
  // without one its first chat fails. With several, the user picks.
  const onlyModel = onlyEnabled(modelGroups)
  useEffect(() => {
    if (!open || agent || !onlyModel || form.isFieldTouched('model') || form.getFieldValue('model')) return
    form.setFieldsValue({ model: onlyModel })
  }, [open, agent, onlyModel, form])

  const save = async (values: AgentFormValues) => {
    setSaving(true)
    let created: Agent | undefined
    try {
      const input = toInput(values)
      if (agent) await studio.agents.getState().update(agent.id, input)
      else created = await studio.agents.getState().create(input)
      ok(agent ? t('common.saved') : t('agents.created'))
      onClose()
      // A new agent is opened in its editor: that is where it gets its prompt, tools and knowledge.
      if (created) routeTo('agents', created.id)
    } catch (err) {
      fail(err, form, agentFieldFor)
    } finally {
      setSaving(false)
    }
  }

  const footer = (
    <div className="drawer-footer">
      <Button onClick={onClose}>{t('common.cancel')}</Button>
      <Button type="primary" loading={saving} onClick={() => form.submit()} data-testid="agent-save">
        {agent ? t('common.save') : t('common.create')}
      </Button>
    </div>
  )

  return (
    <Drawer
      open={open}
      onClose={onClose}
      size={560}
      title={agent ? t('agents.editTitle') : t('agents.newTitle')}
      footer={footer}
      destroyOnHidden
      data-testid="agent-editor"
    >
      <Form form={form} layout="vertical" onFinish={save} requiredMark="optional" initialValues={emptyAgent}>
        <div className="form-row-avatar">
          <Form.Item name="avatar" noStyle>
            <EmojiPicker />
          </Form.Item>
          <Form.Item name="name" label={t('agents.name')} rules={[{ required: true, whitespace: true, message: t('agents.nameRequired') }]} className="grow">
            <Input maxLength={64} showCount placeholder={t('agents.namePlaceholder')} data-testid="agent-name-input" />
          </Form.Item>
        </div>
        <Form.Item name="description" label={t('agents.description')}>
          <Input.TextArea maxLength={500} showCount autoSize={{ minRows: 2, maxRows: 4 }} placeholder={t('agents.descriptionPlaceholder')} />
        </Form.Item>
        <Form.Item name="model" label={t('agents.model')} extra={modelGroups.length === 0 ? t('agents.noModelsHint') : undefined}>
          <Select
            allowClear
            showSearch
            placeholder={t('agents.modelPlaceholder')}
            options={modelGroups}
            optionFilterProp="label"
            notFoundContent={<Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('agents.noModels')} />}
            data-testid="agent-model"
          />
        </Form.Item>
        <Form.Item name="systemPrompt" label={t('agents.systemPrompt')}>
          <Input.TextArea autoSize={{ minRows: 4, maxRows: 12 }} placeholder={t('agents.systemPromptPlaceholder')} />
        </Form.Item>
        <Form.Item name="welcomeMessage" label={t('agents.welcome')}>
          <Input.TextArea maxLength={2000} autoSize={{ minRows: 2, maxRows: 5 }} placeholder={t('agents.welcomePlaceholder')} />
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
                  <Button type="dashed" icon={<PlusOutlined />} onClick={() => add('')} block>
                    {t('agents.addPhrase')}
                  </Button>
                )}
              </div>
            )}
          </Form.List>
        </Form.Item>
      </Form>
    </Drawer>
  )
}
