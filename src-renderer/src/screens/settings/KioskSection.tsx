import { DesktopOutlined } from '@ant-design/icons'
import { EXIT_SHORTCUT, KioskPin } from '@contract/kiosk'
import { Badge, Button, Form, Input, Popconfirm, type ButtonProps } from 'antd'
import { useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useStudio } from '../../stores/hooks'
import { useFeedback } from '../../ui/feedback'
import { KioskPinReset } from './KioskPinReset'
import { SettingCard } from './SettingRow'
import './kiosk.css'

interface Values {
  current?: string
  pin?: string
  again?: string
}

/**
 * Settings → Kiosk: the admin PIN that is the only way out of the desktop kiosk window. Set a first
 * one; change or remove it with the current one. The core keeps only its hash and says only whether
 * one is set (kiosk.pin); wrong current PINs are refused on the field, and locked after a few. A
 * forgotten PIN is reset without it (KioskPinReset).
 */
export function KioskSection() {
  const { t } = useTranslation()
  const { api } = useStudio().connection
  const { fail, ok } = useFeedback()
  const [form] = Form.useForm<Values>()
  const [set, setSet] = useState<boolean | null>(null)
  const [busy, setBusy] = useState<'save' | 'remove' | null>(null)

  const load = useCallback(() => {
    api.call('kiosk.pin', {}).then(
      (s) => setSet(s.set),
      (err: unknown) => fail(err)
    )
  }, [api, fail])
  useEffect(load, [load])

  // The contract's one rule for a PIN (4 to 12 digits), said in the studio's language.
  const pinRule = {
    validator: (_: unknown, v?: string) => (!v || KioskPin.safeParse(v).success ? Promise.resolve() : Promise.reject(new Error(t('errors.reason.kiosk_pin'))))
  }

  const send = async (what: 'save' | 'remove', fields: (keyof Values)[], pin: (v: Values) => string | null) => {
    let values: Values
    try {
      values = await form.validateFields(fields)
    } catch {
      return // the form's own messages are on the fields
    }
    setBusy(what)
    try {
      const next = await api.call('kiosk.setPin', { ...(set && { current: values.current }), pin: pin(values) })
      setSet(next.set)
      form.resetFields()
      ok(t(what === 'remove' ? 'settings.kiosk.removed' : 'settings.kiosk.saved'))
    } catch (err) {
      fail(err, form)
    } finally {
      setBusy(null)
    }
  }

  return (
    <SettingCard title={t('settings.kiosk.title')} icon={<DesktopOutlined />} testId="settings-kiosk">
      <div className="setting-help">{t('settings.kiosk.intro', { shortcut: EXIT_SHORTCUT })}</div>
      {set !== null && (
        <div className="kiosk-pin-state" data-testid="kiosk-pin-state" data-set={String(set)}>
          <Badge status={set ? 'success' : 'warning'} text={set ? t('settings.kiosk.isSet') : t('settings.kiosk.notSet')} />
        </div>
      )}
      <Form
        form={form}
        layout="vertical"
        className="kiosk-pin-form"
        disabled={set === null}
        onFinish={() => void send('save', ['current', 'pin', 'again'], (v) => v.pin!)}
      >
        {set && (
          <div className="form-grid-2">
            <Form.Item name="current" label={t('settings.kiosk.current')} rules={[{ required: true, message: t('errors.reason.kiosk_pin_required') }, pinRule]}>
              <Input.Password inputMode="numeric" autoComplete="off" maxLength={12} data-testid="kiosk-pin-current" />
            </Form.Item>
          </div>
        )}
        <div className="form-grid-2">
          <Form.Item
            name="pin"
            label={t(set ? 'settings.kiosk.newPin' : 'settings.kiosk.pin')}
            extra={t('settings.kiosk.pinHelp')}
            rules={[{ required: true, message: t('errors.reason.kiosk_pin') }, pinRule]}
          >
            <Input.Password inputMode="numeric" autoComplete="new-password" maxLength={12} data-testid="kiosk-pin-new" />
          </Form.Item>
          <Form.Item
            name="again"
            label={t('settings.kiosk.again')}
            dependencies={['pin']}
            rules={[
              { required: true, message: t('settings.kiosk.mismatch') },
              ({ getFieldValue }) => ({
                validator: (_: unknown, v?: string) =>
                  !v || v === getFieldValue('pin') ? Promise.resolve() : Promise.reject(new Error(t('settings.kiosk.mismatch')))
              })
            ]}
          >
            <Input.Password inputMode="numeric" autoComplete="new-password" maxLength={12} data-testid="kiosk-pin-again" />
          </Form.Item>
        </div>
        <div className="kiosk-pin-actions">
          <Button type="primary" htmlType="submit" loading={busy === 'save'} data-testid="kiosk-pin-save">
            {t(set ? 'settings.kiosk.change' : 'settings.kiosk.set')}
          </Button>
          {set && (
            <Popconfirm
              title={t('settings.kiosk.removeTitle')}
              description={t('settings.kiosk.removeBody')}
              okText={t('settings.kiosk.remove')}
              cancelText={t('common.cancel')}
              okButtonProps={{ danger: true, 'data-testid': 'kiosk-pin-remove-ok' } as ButtonProps}
              onConfirm={() => void send('remove', ['current'], () => null)}
            >
              <Button danger loading={busy === 'remove'} data-testid="kiosk-pin-remove">
                {t('settings.kiosk.remove')}
              </Button>
            </Popconfirm>
          )}
          {set && (
            <KioskPinReset
              onReset={() => {
                setSet(false)
                form.resetFields()
              }}
            />
          )}
        </div>
      </Form>
    </SettingCard>
  )
}
