import type { Memory } from '@contract/memory'
import { Form, Input, Modal, Select, type ButtonProps } from 'antd'
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { createMemory, updateMemory } from '../../queries/memory'
import { useStudio } from '../../stores/hooks'
import { useFeedback } from '../../ui/feedback'
import { useCollection } from '../../queries/collections'

interface Values {
  userId: string
  /** '' = the user's shared pool. */
  agentId: string
  text: string
}

export const SHARED = ''

interface Props {
  open: boolean
  memory: Memory | null
  /** For a new memory: the user and agent picked on the page. */
  userId: string | null
  agentId: string | null
  onClose: () => void
}

/** Add a memory about a user, or change one: its text and which agent it belongs to. */
export function MemoryEditor({ open, memory, userId, agentId, onClose }: Props) {
  const { t } = useTranslation()
  const studio = useStudio()
  const { fail, ok } = useFeedback()
  const agents = useCollection('agents').items
  const [form] = Form.useForm<Values>()
  const [saving, setSaving] = useState(false)

  useEffect(() => {
    if (!open) return
    form.resetFields()
    form.setFieldsValue(
      memory ? { userId: memory.userId, agentId: memory.agentId ?? SHARED, text: memory.text } : { userId: userId ?? '', agentId: agentId ?? SHARED, text: '' }
    )
  }, [open, memory, userId, agentId, form])

  const save = async (v: Values) => {
    setSaving(true)
    try {
      const agent = v.agentId || null
      if (memory) await updateMemory(studio, memory.id, { text: v.text, agentId: agent })
      else {
        const created = await createMemory(studio, { userId: v.userId.trim(), agentId: agent, text: v.text })
        studio.memory.getState().select(created.userId)
      }
      ok(memory ? t('common.saved') : t('memory.added'))
      onClose()
    } catch (err) {
      fail(err, form)
    } finally {
      setSaving(false)
    }
  }

  const agentOptions = [{ value: SHARED, label: t('memory.shared') }, ...agents.map((a) => ({ value: a.id, label: a.name }))]
  return (
    <Modal
      open={open}
      title={memory ? t('memory.editTitle') : t('memory.newTitle')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={memory ? t('common.save') : t('common.add')}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      okButtonProps={{ 'data-testid': 'memory-save' } as ButtonProps}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" onFinish={save} className="modal-form">
        <Form.Item
          name="userId"
          label={t('memory.user')}
          rules={[{ required: true, whitespace: true, message: t('memory.userRequired') }]}
          extra={t('memory.userHint')}
        >
          <Input maxLength={128} disabled={!!memory} className="mono" data-testid="memory-user-input" />
        </Form.Item>
        <Form.Item name="agentId" label={t('memory.agent')} extra={t('memory.agentHint')}>
          <Select options={agentOptions} showSearch optionFilterProp="label" data-testid="memory-agent-input" />
        </Form.Item>
        <Form.Item name="text" label={t('memory.text')} rules={[{ required: true, whitespace: true, message: t('memory.textRequired') }]}>
          <Input.TextArea
            maxLength={1000}
            showCount
            autoSize={{ minRows: 2, maxRows: 6 }}
            placeholder={t('memory.textPlaceholder')}
            data-testid="memory-text"
          />
        </Form.Item>
      </Form>
    </Modal>
  )
}
