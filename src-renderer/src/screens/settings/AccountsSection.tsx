import { TeamOutlined } from '@ant-design/icons'
import { Alert, App, Button, Form, Input, Modal, Tag } from 'antd'
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { toApiError } from '../../api/errors'
import { useStudio } from '../../stores/hooks'
import { useFeedback } from '../../ui/feedback'
import { SettingCard, SettingRow } from './SettingRow'

type Admin = { name: string; email: string; password: string }

/**
 * Settings → Accounts (the owner, or an admin): turn sign-in on with the first admin, or off
 * again. Either way the core restarts (as for a restore); the page waits for it and loads afresh —
 * a browser then shows the sign-in page (on) or asks for the server's token (off).
 */
export function AccountsSection() {
  const { t } = useTranslation()
  const { connection } = useStudio()
  const { api } = connection
  const { modal } = App.useApp()
  const { fail } = useFeedback()
  const [on, setOn] = useState<boolean | null>(null)
  const [people, setPeople] = useState(false)
  const [form] = Form.useForm<Admin>()
  const [asking, setAsking] = useState(false)
  const [restarting, setRestarting] = useState(false)

  useEffect(() => {
    api.call('auth.state', {}).then(
      (s) => {
        setOn(s.accounts)
        setPeople(s.accounts || s.needsSetup)
      },
      () => undefined
    )
  }, [api])

  /** Waits until the restarted core answers with accounts as wanted (with them off, a 401 is that answer), then loads the studio afresh. */
  const restartAndReload = async (want: boolean) => {
    setRestarting(true)
    for (;;) {
      await new Promise((r) => setTimeout(r, 1000))
      try {
        if ((await api.call('auth.state', {})).accounts === want) break
      } catch (err) {
        if (!want && toApiError(err).status === 401) break
      }
    }
    window.location.reload()
  }

  const turnOn = async (admin: Admin) => {
    try {
      await api.call('accounts.enable', { admin })
    } catch (err) {
      return fail(err, form)
    }
    setAsking(false)
    await restartAndReload(true)
  }

  const turnOff = () =>
    modal.confirm({
      title: t('people.accounts.offTitle'),
      content: t('people.accounts.offWarning'),
      okText: t('people.accounts.turnOff'),
      okButtonProps: { danger: true, 'data-testid': 'accounts-off-confirm' },
      onOk: async () => {
        try {
          await api.call('accounts.disable', {})
        } catch (err) {
          return fail(err)
        }
        await restartAndReload(false)
      }
    })

  if (on === null) return null
  return (
    <SettingCard title={t('people.accounts.title')} icon={<TeamOutlined />} testId="settings-accounts">
      {restarting && <Alert type="info" showIcon title={t('people.accounts.restarting')} style={{ marginBottom: 12 }} data-testid="accounts-restarting" />}
      <SettingRow label={t('people.accounts.state')} help={on ? t('people.accounts.onHelp') : t('people.accounts.offHelp')}>
        {on ? <Tag color="green">{t('people.accounts.on')}</Tag> : <Tag>{t('people.accounts.off')}</Tag>}
      </SettingRow>
      <SettingRow label={on ? t('people.accounts.turnOff') : t('people.accounts.turnOn')} help={t('people.accounts.restartHelp')}>
        {on ? (
          <Button danger onClick={turnOff} disabled={restarting} data-testid="accounts-turn-off">
            {t('people.accounts.turnOff')}
          </Button>
        ) : (
          <Button type="primary" onClick={() => setAsking(true)} disabled={restarting} data-testid="accounts-turn-on">
            {t('people.accounts.turnOn')}
          </Button>
        )}
      </SettingRow>
      <Modal
        open={asking}
        title={t('people.accounts.turnOn')}
        okText={t('people.accounts.turnOnOk')}
        onOk={() => form.submit()}
        onCancel={() => setAsking(false)}
        okButtonProps={{ 'data-testid': 'accounts-on-submit' }}
        destroyOnHidden
      >
        <p className="muted">{people ? t('people.accounts.explainMore') : t('people.accounts.explain')}</p>
        <Form form={form} layout="vertical" onFinish={(v) => void turnOn(v)} preserve={false} requiredMark={false}>
          <Form.Item name="name" label={t('people.name')} rules={[{ required: true, whitespace: true, message: t('people.nameRequired') }]}>
            <Input autoComplete="name" data-testid="accounts-admin-name" />
          </Form.Item>
          <Form.Item name="email" label={t('people.email')} rules={[{ required: true, type: 'email', message: t('people.emailInvalid') }]}>
            <Input autoComplete="email" data-testid="accounts-admin-email" />
          </Form.Item>
          <Form.Item
            name="password"
            label={t('people.password')}
            extra={t('people.passwordHint')}
            rules={[{ required: true, min: 8, message: t('people.passwordShort') }]}
          >
            <Input.Password autoComplete="new-password" data-testid="accounts-admin-password" />
          </Form.Item>
        </Form>
      </Modal>
    </SettingCard>
  )
}
