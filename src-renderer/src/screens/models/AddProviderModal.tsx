import type { ProviderKind, ProviderPreset } from '@contract/entities'
import { Form, Input, Modal, type ButtonProps } from 'antd'
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useStudio } from '../../stores/hooks'
import { useErrorToast, useFeedback } from '../../ui/feedback'
import { ProviderMark } from './ProviderMark'
import { createItem } from '../../queries/collections'
import { usePresets } from '../../queries/models'

interface Values {
  kind: ProviderKind
  name: string
  baseUrl: string
  apiKey?: string
}

interface Props {
  open: boolean
  onClose: () => void
  onCreated: (id: string) => void
}

export function AddProviderModal({ open, onClose, onCreated }: Props) {
  const { t } = useTranslation()
  const studio = useStudio()
  const { fail, ok } = useFeedback()
  const { presets, error } = usePresets({ enabled: open })
  useErrorToast(error)
  const [form] = Form.useForm<Values>()
  const [saving, setSaving] = useState(false)
  const kind = Form.useWatch('kind', form)
  const preset = presets.find((p) => p.kind === kind)

  useEffect(() => {
    if (!open) return
    form.resetFields()
  }, [open, form])

  // Picking a preset fills in its name and URL; both stay editable.
  const onValuesChange = (changed: Partial<Values>) => {
    const p = changed.kind && presets.find((x) => x.kind === changed.kind)
    if (p) form.setFieldsValue({ name: p.kind === 'custom' ? '' : p.name, baseUrl: p.baseUrl })
  }

  const save = async (values: Values) => {
    setSaving(true)
    try {
      const created = await createItem(studio, 'providers', { ...values, apiKey: values.apiKey?.trim() || undefined })
      ok(t('models.providerAdded', { name: created.name }))
      onCreated(created.id)
    } catch (err) {
      fail(err, form)
    } finally {
      setSaving(false)
    }
  }

  return (
    <Modal
      open={open}
      title={t('models.addProvider')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common.add')}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      okButtonProps={{ 'data-testid': 'provider-create' } as ButtonProps}
      width={640}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" onFinish={save} onValuesChange={onValuesChange} initialValues={{ kind: 'custom' }} requiredMark={false}>
        <Form.Item name="kind" label={t('models.preset')}>
          <PresetGrid presets={presets} />
        </Form.Item>
        <Form.Item name="name" label={t('models.providerName')} rules={[{ required: true, whitespace: true, message: t('models.nameRequired') }]}>
          <Input maxLength={64} placeholder={t('models.providerNamePlaceholder')} data-testid="provider-name" />
        </Form.Item>
        <Form.Item
          name="baseUrl"
          label={t('models.baseUrl')}
          rules={[{ required: true, message: t('models.baseUrlRequired') }]}
          extra={t('models.baseUrlHint')}
        >
          <Input placeholder="http://127.0.0.1:11434/v1" className="mono" data-testid="provider-url" />
        </Form.Item>
        <Form.Item name="apiKey" label={t('models.apiKey')} extra={preset && !preset.needsApiKey ? t('models.apiKeyOptional') : undefined}>
          <Input.Password placeholder={t('models.apiKeyPlaceholder')} autoComplete="off" data-testid="provider-key" />
        </Form.Item>
      </Form>
    </Modal>
  )
}

/** A form control: presets as tiles, the value is the chosen kind. */
function PresetGrid({ presets, value, onChange }: { presets: ProviderPreset[]; value?: ProviderKind; onChange?: (kind: ProviderKind) => void }) {
  const { t } = useTranslation()
  return (
    <div className="preset-grid">
      {presets.map((p) => (
        <button
          type="button"
          key={p.kind}
          className={`preset-tile ${p.kind === value ? 'active' : ''}`}
          title={p.baseUrl || undefined}
          onClick={() => onChange?.(p.kind)}
          data-testid={`preset-${p.kind}`}
        >
          <ProviderMark kind={p.kind} name={p.kind === 'custom' ? '+' : p.name} size={24} />
          <span className="preset-name">{p.kind === 'custom' ? t('models.customPreset') : p.name}</span>
        </button>
      ))}
    </div>
  )
}
