import type { KnowledgeBase, Model } from '@contract/entities'
import { Form, Input, InputNumber, Modal, Select, type ButtonProps } from 'antd'
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useStudio } from '../../stores/hooks'
import { useFeedback } from '../../ui/feedback'
import { useModelOptions } from '../../ui/useModelOptions'
import { createItem, updateItem } from '../../queries/collections'

interface Values {
  name: string
  description: string
  embeddingModelId: string | null
  chunkSize: number
  chunkOverlap: number
}

const defaults: Values = { name: '', description: '', embeddingModelId: null, chunkSize: 800, chunkOverlap: 100 }
const FULL_TEXT = ''
const modelRowId = (m: Model) => m.id

interface Props {
  open: boolean
  base: KnowledgeBase | null
  onClose: () => void
}

export function KnowledgeEditor({ open, base, onClose }: Props) {
  const { t } = useTranslation()
  const studio = useStudio()
  const { fail, ok } = useFeedback()
  const [form] = Form.useForm<Values>()
  const [saving, setSaving] = useState(false)
  const groups = useModelOptions('embedding', modelRowId)
  const options = [{ label: t('knowledge.fullTextOption'), value: FULL_TEXT }, ...groups]

  useEffect(() => {
    if (!open) return
    form.resetFields()
    const v = base ?? defaults
    form.setFieldsValue({ ...v, embeddingModelId: v.embeddingModelId ?? FULL_TEXT })
  }, [open, base, form])

  const save = async (values: Values) => {
    setSaving(true)
    try {
      const input = { ...values, description: values.description ?? '', embeddingModelId: values.embeddingModelId || null }
      if (base) await updateItem(studio, 'knowledgeBases', base.id, input)
      else await createItem(studio, 'knowledgeBases', input)
      ok(base ? t('common.saved') : t('knowledge.created'))
      onClose()
    } catch (err) {
      fail(err, form)
    } finally {
      setSaving(false)
    }
  }

  const overlapRule = ({ getFieldValue }: { getFieldValue: (n: string) => unknown }) => ({
    validator: async (_: unknown, overlap: number | null) => {
      const size = getFieldValue('chunkSize')
      if (typeof size === 'number' && typeof overlap === 'number' && overlap >= size) throw new Error(t('knowledge.overlapTooBig'))
    }
  })

  return (
    <Modal
      open={open}
      title={base ? t('knowledge.editTitle') : t('knowledge.newTitle')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={base ? t('common.save') : t('common.create')}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      okButtonProps={{ 'data-testid': 'kb-save' } as ButtonProps}
      width={560}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" onFinish={save} initialValues={defaults} requiredMark="optional" className="modal-form">
        <Form.Item name="name" label={t('knowledge.name')} rules={[{ required: true, whitespace: true, message: t('knowledge.nameRequired') }]}>
          <Input maxLength={64} showCount placeholder={t('knowledge.namePlaceholder')} data-testid="kb-name-input" />
        </Form.Item>
        <Form.Item name="description" label={t('knowledge.description')}>
          <Input.TextArea maxLength={500} showCount autoSize={{ minRows: 2, maxRows: 4 }} />
        </Form.Item>
        <Form.Item name="embeddingModelId" label={t('knowledge.embedding')} extra={t('knowledge.embeddingHint')}>
          <Select showSearch optionFilterProp="label" options={options} data-testid="kb-embedding" />
        </Form.Item>
        <div className="form-grid-2">
          <Form.Item name="chunkSize" label={t('knowledge.chunkSize')} rules={[{ required: true }]} extra={t('knowledge.chunkSizeHint')}>
            <InputNumber min={100} max={8000} step={100} className="full-width" />
          </Form.Item>
          <Form.Item name="chunkOverlap" label={t('knowledge.chunkOverlap')} dependencies={['chunkSize']} rules={[{ required: true }, overlapRule]}>
            <InputNumber min={0} max={4000} step={50} className="full-width" />
          </Form.Item>
        </div>
      </Form>
    </Modal>
  )
}
