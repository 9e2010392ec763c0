import { Button, Form, Input, Modal, type ButtonProps } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useAuth } from '../../stores/auth-context'
import { useStudio } from '../../stores/hooks'
import { useFeedback } from '../../ui/feedback'

/**
 * "Forgot the PIN? Reset it": removes the kiosk admin PIN without it (kiosk.resetPin). The owner at
 * the desktop only confirms; a signed-in admin (accounts on) re-enters their account password,
 * which the core checks.
 */
export function KioskPinReset({ onReset }: { onReset: () => void }) {
  const { t } = useTranslation()
  const { api } = useStudio().connection
  const { fail, ok } = useFeedback()
  const signedIn = useAuth((s) => s.me?.kind === 'user')
  const [form] = Form.useForm<{ password?: string }>()
  const [open, setOpen] = useState(false)
  const [busy, setBusy] = useState(false)

  // The form exists only for a signed-in person (the password); destroyOnHidden drops it with the dialog.
  const close = () => setOpen(false)

  const submit = async () => {
    let password: string | undefined
    if (signedIn) {
      try {
        password = (await form.validateFields()).password
      } catch {
        return // the message is on the field
      }
    }
    setBusy(true)
    try {
      await api.call('kiosk.resetPin', { password })
      close()
      onReset()
      ok(t('settings.kiosk.resetDone'))
    } catch (err) {
      fail(err, form)
    } finally {
      setBusy(false)
    }
  }

  return (
    <>
      <Button type="link" onClick={() => setOpen(true)} data-testid="kiosk-pin-forgot">
        {t('settings.kiosk.forgot')}
      </Button>
      <Modal
        open={open}
        title={t('settings.kiosk.resetTitle')}
        okText={t('settings.kiosk.reset')}
        cancelText={t('common.cancel')}
        okButtonProps={{ danger: true, loading: busy, 'data-testid': 'kiosk-pin-reset-ok' } as ButtonProps}
        onOk={() => void submit()}
        onCancel={close}
        destroyOnHidden
      >
        <p data-testid="kiosk-pin-reset-body">{t(signedIn ? 'settings.kiosk.resetBodyAccount' : 'settings.kiosk.resetBody')}</p>
        {signedIn && (
          <Form form={form} layout="vertical" onFinish={() => void submit()}>
            <Form.Item
              name="password"
              label={t('settings.kiosk.password')}
              rules={[{ required: true, message: t('errors.reason.kiosk_reset_password_required') }]}
            >
              <Input.Password autoComplete="current-password" data-testid="kiosk-pin-reset-password" />
            </Form.Item>
          </Form>
        )}
      </Modal>
    </>
  )
}
