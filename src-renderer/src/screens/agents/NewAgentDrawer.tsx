import type { Agent } from '@contract/entities'
import { Button, Drawer, Form } from 'antd'
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useStudio } from '../../stores/hooks'
import { useFeedback } from '../../ui/feedback'
import type { ModelGroup } from '../../ui/useModelOptions'
import { routeTo } from '../../shell/route'
import { agentFieldFor, emptyAgent, toInput, type NewAgentValues } from './agent-form'
import { ModelField, NameFields, PromptField, useChatModelOptions, WelcomeFields } from './AgentFields'
import { createItem } from '../../queries/collections'

interface Props {
  open: boolean
  onClose: () => void
}

/** The one enabled chat model of an enabled provider, or undefined when there are none or several. */
function onlyEnabled(groups: ModelGroup[]): string | undefined {
  const usable = groups.flatMap((g) => g.options).filter((o) => o.enabled)
  return usable.length === 1 ? usable[0]!.value : undefined
}

/** A new agent's basics; once created it opens in its editor (the workspace), where it is edited. */
export function NewAgentDrawer({ open, onClose }: Props) {
  const { t } = useTranslation()
  const studio = useStudio()
  const { fail, ok } = useFeedback()
  const [form] = Form.useForm<NewAgentValues>()
  const [saving, setSaving] = useState(false)
  const modelGroups = useChatModelOptions()

  useEffect(() => {
    if (open) form.resetFields()
  }, [open, form])

  // A new agent starts on the only usable chat model, as the server does when none is given:
  // without one its first chat fails. With several, the user picks.
  const onlyModel = onlyEnabled(modelGroups)
  useEffect(() => {
    if (!open || !onlyModel || form.isFieldTouched('model') || form.getFieldValue('model')) return
    form.setFieldsValue({ model: onlyModel })
  }, [open, onlyModel, form])

  const save = async (values: NewAgentValues) => {
    setSaving(true)
    let created: Agent
    try {
      created = await createItem(studio, 'agents', toInput(values))
    } catch (err) {
      return fail(err, form, agentFieldFor)
    } finally {
      setSaving(false)
    }
    ok(t('agents.created'))
    onClose()
    // That is where it gets its tools, knowledge and cards.
    routeTo('agents', created.id)
  }

  const footer = (
    <div className="drawer-footer">
      <Button onClick={onClose}>{t('common.cancel')}</Button>
      <Button type="primary" loading={saving} onClick={() => form.submit()} data-testid="agent-save">
        {t('common.create')}
      </Button>
    </div>
  )

  return (
    <Drawer open={open} onClose={onClose} size={560} title={t('agents.newTitle')} footer={footer} destroyOnHidden data-testid="agent-editor">
      <Form form={form} layout="vertical" onFinish={save} requiredMark="optional" initialValues={emptyAgent}>
        <NameFields />
        <ModelField groups={modelGroups} />
        <PromptField label />
        <WelcomeFields />
      </Form>
    </Drawer>
  )
}
