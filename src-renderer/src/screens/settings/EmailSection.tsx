import { CheckCircleFilled, CloseCircleFilled, MailOutlined, SendOutlined } from '@ant-design/icons'
import { Alert, Badge, Button, Form, Input, InputNumber, Space, Switch } from 'antd'
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useStudio } from '../../stores/hooks'
import { useApiQuery } from '../../queries/api-query'
import { saveSmtp } from '../../queries/smtp'
import { useErrorToast, useFeedback } from '../../ui/feedback'
import { SettingCard } from './SettingRow'
import './email.css'
import { translateError } from '../../api/errors'

interface Values {
  host: string
  port: number
  secure: boolean
  user: string
  /** Empty keeps the stored password. */
  password: string
  from: string
}

type TestState = { ok: true; to: string } | { ok: false; error: string } | null

/** Sends a test message; unsaved edits of the form are saved first, so the test tries what is shown. */
function SmtpTest({ saveEdits }: { saveEdits: () => Promise<boolean> }) {
  const { t } = useTranslation()
  const studio = useStudio()
  const { fail } = useFeedback()
  const configured = useApiQuery('scheduler.smtp').data?.configured ?? false
  const [to, setTo] = useState('')
  const [sending, setSending] = useState(false)
  const [result, setResult] = useState<TestState>(null)
  const send = async () => {
    setSending(true)
    setResult(null)
    try {
      if (!(await saveEdits())) return
      const r = await studio.connection.api.call('scheduler.testSmtp', to.trim() ? { to: to.trim() } : {})
      setResult(r.ok ? { ok: true, to: to.trim() } : { ok: false, error: r.error ?? t('email.testFailedUnknown') })
    } catch (err) {
      fail(err)
    } finally {
      setSending(false)
    }
  }
  return (
    <div className="smtp-test">
      <Space.Compact className="smtp-test-row">
        <Input value={to} onChange={(e) => setTo(e.target.value)} placeholder={t('email.testTo')} disabled={!configured} data-testid="smtp-test-to" />
        <Button icon={<SendOutlined />} loading={sending} disabled={!configured} onClick={() => void send()} data-testid="smtp-test">
          {t('email.sendTest')}
        </Button>
      </Space.Compact>
      {result && (
        <div className={`smtp-test-result ${result.ok ? 'is-ok' : 'is-error'}`} data-testid="smtp-test-result">
          {result.ok ? <CheckCircleFilled /> : <CloseCircleFilled />} {result.ok ? t('email.testSent', { to: result.to || t('email.sender') }) : result.error}
        </div>
      )}
    </div>
  )
}

/** Settings → Email: the SMTP server that delivers digital employees' results, with a test send. */
export function EmailSection() {
  const { t } = useTranslation()
  const studio = useStudio()
  const { fail, ok } = useFeedback()
  const { data: smtp, error } = useApiQuery('scheduler.smtp')
  const [form] = Form.useForm<Values>()
  const [saving, setSaving] = useState(false)
  useErrorToast(error)

  useEffect(() => {
    if (smtp) form.setFieldsValue({ host: smtp.host, port: smtp.port, secure: smtp.secure, user: smtp.user, password: '', from: smtp.from })
  }, [smtp, form])

  const persist = async (v: Values) => {
    await saveSmtp(studio, {
      host: v.host ?? '',
      port: v.port,
      secure: v.secure,
      user: v.user ?? '',
      from: v.from ?? '',
      ...(v.password && { password: v.password })
    })
    form.resetFields(['password'])
  }
  const save = async (v: Values) => {
    setSaving(true)
    try {
      await persist(v)
      ok(t('common.saved'))
    } catch (err) {
      fail(err, form)
    } finally {
      setSaving(false)
    }
  }
  const saveEdits = async () => {
    if (!form.isFieldsTouched()) return true
    try {
      await persist(await form.validateFields())
      return true
    } catch (err) {
      // validateFields rejects with the form's own errors, already shown on the fields.
      if (!(err as { errorFields?: unknown }).errorFields) fail(err, form)
      return false
    }
  }
  const removePassword = () =>
    saveSmtp(studio, { password: null })
      .then(() => ok(t('email.passwordRemoved')))
      .catch((err) => fail(err))

  return (
    <SettingCard title={t('email.title')} icon={<MailOutlined />} testId="settings-email">
      <div className="setting-help smtp-intro">{t('email.intro')}</div>
      {smtp && (
        <div className="smtp-state">
          <Badge status={smtp.configured ? 'success' : 'default'} text={smtp.configured ? t('email.configured') : t('email.notConfigured')} />
        </div>
      )}
      {error && !smtp && <Alert type="error" showIcon title={translateError(error)} className="setting-alert" />}
      {/* Disabled until the saved server has loaded: what is typed before would be overwritten by it. */}
      <Form form={form} layout="vertical" onFinish={save} className="smtp-form" initialValues={{ port: 465, secure: true }} disabled={!smtp}>
        <div className="smtp-grid">
          <Form.Item name="host" label={t('email.host')} className="smtp-host">
            <Input className="mono" placeholder="smtp.example.com" data-testid="smtp-host" />
          </Form.Item>
          <Form.Item name="port" label={t('email.port')}>
            <InputNumber min={1} max={65535} className="full-width" data-testid="smtp-port" />
          </Form.Item>
          <Form.Item name="secure" label={t('email.secure')} valuePropName="checked" tooltip={t('email.secureHelp')}>
            <Switch data-testid="smtp-secure" />
          </Form.Item>
        </div>
        <div className="form-grid-2">
          <Form.Item name="user" label={t('email.user')}>
            <Input autoComplete="off" data-testid="smtp-user" />
          </Form.Item>
          <Form.Item
            name="password"
            label={t('email.password')}
            extra={
              smtp?.hasPassword ? (
                <span>
                  {t('email.passwordKept')}{' '}
                  <Button type="link" size="small" className="inline-link" onClick={() => void removePassword()}>
                    {t('email.removePassword')}
                  </Button>
                </span>
              ) : undefined
            }
          >
            <Input.Password autoComplete="new-password" placeholder={smtp?.hasPassword ? '••••••••' : ''} data-testid="smtp-password" />
          </Form.Item>
        </div>
        <Form.Item name="from" label={t('email.from')} extra={t('email.fromHint')}>
          <Input placeholder="Agenta <agenta@example.com>" data-testid="smtp-from" />
        </Form.Item>
        <div className="smtp-actions">
          <SmtpTest saveEdits={saveEdits} />
          <Button type="primary" htmlType="submit" loading={saving} data-testid="smtp-save">
            {t('common.save')}
          </Button>
        </div>
      </Form>
    </SettingCard>
  )
}
