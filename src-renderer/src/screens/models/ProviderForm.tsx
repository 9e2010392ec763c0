import type { Provider } from '@contract/entities'
import { Button, Form, Input } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useStudio } from '../../stores/hooks'
import { useFeedback } from '../../ui/feedback'

interface Values {
  name: string
  baseUrl: string
  apiKey?: string
}

/** Name, URL and key. The key field starts empty: typing replaces the saved key, leaving it keeps it. */
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
      await studio.providers.getState().update(provider.id, { name: values.name, baseUrl: values.baseUrl, apiKey })
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
      initialValues={{ name: provider.name, baseUrl: provider.baseUrl, apiKey: '' }}
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
      <Button type="primary" htmlType="submit" loading={saving} data-testid="provider-save">
        {t('common.save')}
      </Button>
    </Form>
  )
}
