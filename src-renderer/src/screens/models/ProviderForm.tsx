import type { Provider } from '@contract/entities'
import { Button, Form, Input, InputNumber } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useStudio } from '../../stores/hooks'
import { useFeedback } from '../../ui/feedback'
import { updateItem } from '../../queries/collections'

interface Values {
  name: string
  baseUrl: string
  apiKey?: string
  /** In seconds here; the API takes ms. */
  timeouts: { connectMs: number; firstTokenMs: number; idleMs: number }
}

const TIMEOUTS = ['connectMs', 'firstTokenMs', 'idleMs'] as const
const inSeconds = (t: Provider['timeouts']) => ({ connectMs: t.connectMs / 1000, firstTokenMs: t.firstTokenMs / 1000, idleMs: t.idleMs / 1000 })

/** Name, URL, key and timeouts. The key field starts empty: typing replaces the saved key, leaving it keeps it. */
export function ProviderForm({ provider }: { provider: Provider }) {
  const { t } = useTranslation()
  const studio = useStudio()
  const { fail, ok } = useFeedback()
  const [form] = Form.useForm<Values>()
  const [saving, setSaving] = useState(false)

  const save = async (values: Values, removeKey = false) => {
    setSaving(true)
    try {
      const apiKey = removeKey ? null : values.apiKey?.trim() || undefined
      const timeouts = Object.fromEntries(TIMEOUTS.map((k) => [k, Math.round(values.timeouts[k] * 1000)])) as Values['timeouts']
      await updateItem(studio, 'providers', provider.id, { name: values.name, baseUrl: values.baseUrl, apiKey, timeouts })
      form.setFieldValue('apiKey', '')
      ok(removeKey ? t('models.keyRemoved') : t('common.saved'))
    } catch (err) {
      fail(err, form)
    } finally {
      setSaving(false)
    }
  }

  return (
    <Form
      form={form}
      layout="vertical"
      className="detail-section"
      initialValues={{ name: provider.name, baseUrl: provider.baseUrl, apiKey: '', timeouts: inSeconds(provider.timeouts) }}
      onFinish={(v) => void save(v)}
      requiredMark={false}
    >
      <div className="form-grid-2">
        <Form.Item name="name" label={t('models.providerName')} rules={[{ required: true, whitespace: true, message: t('models.nameRequired') }]}>
          <Input maxLength={64} />
        </Form.Item>
        <Form.Item name="baseUrl" label={t('models.baseUrl')} rules={[{ required: true, message: t('models.baseUrlRequired') }]}>
          <Input className="mono" />
        </Form.Item>
      </div>
      <Form.Item
        name="apiKey"
        label={t('models.apiKey')}
        extra={
          provider.hasApiKey && (
            <span>
              {t('models.keyKeep', { hint: provider.apiKeyHint })}{' '}
              <Button type="link" size="small" className="inline-link" onClick={() => void save(form.getFieldsValue(), true)}>
                {t('models.removeKey')}
              </Button>
            </span>
          )
        }
      >
        <Input.Password
          autoComplete="off"
          className="mono"
          placeholder={provider.hasApiKey ? `${provider.apiKeyHint ?? ''} · ${t('models.keyReplace')}` : t('models.apiKeyPlaceholder')}
        />
      </Form.Item>
      <div className="form-grid-2">
        {TIMEOUTS.map((k) => (
          <Form.Item key={k} name={['timeouts', k]} label={t(`models.timeout.${k}`)} rules={[{ required: true }]}>
            <InputNumber min={1} max={3600} addonAfter="s" className="full-width" />
          </Form.Item>
        ))}
      </div>
      <Button type="primary" htmlType="submit" loading={saving} data-testid="provider-save">
        {t('common.save')}
      </Button>
    </Form>
  )
}
