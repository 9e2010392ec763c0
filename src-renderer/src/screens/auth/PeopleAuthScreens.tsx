import { LockOutlined, LoginOutlined, MailOutlined, UserOutlined } from '@ant-design/icons'
import { Alert, Button, Divider, Form, Input } from 'antd'
import { useState, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import type { ApiOutput } from '@contract/api'
import { ApiError } from '../../api'
import { useStudio } from '../../stores/hooks'
import { Logo } from '../../ui/Logo'

type Signed = ApiOutput<'auth.login'>

/** The card the sign-in screens share (the token screen's look). */
function AuthCard({ title, explain, testId, error, children }: { title: string; explain: string; testId: string; error: string | null; children: ReactNode }) {
  return (
    <div className="token-screen" data-testid={testId}>
      <div className="token-card">
        <Logo size={56} />
        <h1>{title}</h1>
        <p className="muted">{explain}</p>
        {error && <Alert type="error" showIcon title={error} className="token-alert" data-testid="auth-error" />}
        {children}
      </div>
    </div>
  )
}

/** Runs a sign-in call; its failure becomes the card's message (the server's words, e.g. "Wrong email or password"). */
function useSubmit<T>(call: (values: T) => Promise<Signed>, done: (s: Signed) => void) {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const submit = async (values: T) => {
    setBusy(true)
    setError(null)
    try {
      done(await call(values))
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err))
    } finally {
      setBusy(false)
    }
  }
  return { busy, error, submit }
}

const NameField = () => {
  const { t } = useTranslation()
  return (
    <Form.Item name="name" label={t('people.name')} rules={[{ required: true, whitespace: true, message: t('people.nameRequired') }]}>
      <Input size="large" prefix={<UserOutlined />} autoComplete="name" data-testid="auth-name" />
    </Form.Item>
  )
}
const EmailField = () => {
  const { t } = useTranslation()
  return (
    <Form.Item name="email" label={t('people.email')} rules={[{ required: true, type: 'email', message: t('people.emailInvalid') }]}>
      <Input size="large" prefix={<MailOutlined />} autoComplete="email" data-testid="auth-email" />
    </Form.Item>
  )
}
const PasswordField = ({ fresh }: { fresh: boolean }) => {
  const { t } = useTranslation()
  return (
    <Form.Item
      name="password"
      label={t('people.password')}
      extra={fresh ? t('people.passwordHint') : undefined}
      rules={[{ required: true, min: fresh ? 8 : 1, message: fresh ? t('people.passwordShort') : t('people.passwordRequired') }]}
    >
      <Input.Password size="large" prefix={<LockOutlined />} autoComplete={fresh ? 'new-password' : 'current-password'} data-testid="auth-password" />
    </Form.Item>
  )
}

const SSO_ERRORS = ['not_invited', 'not_verified', 'disabled', 'unavailable', 'failed']

/** Accounts on: sign in with email and password, or through the organisation's single sign-on. */
export function LoginScreen(props: { expired: boolean; sso: { name: string } | null; ssoError: string | null; onSignedIn: (s: Signed) => void }) {
  const { expired, sso, onSignedIn } = props
  const { t } = useTranslation()
  const { connection } = useStudio()
  const { busy, error, submit } = useSubmit((v: { email: string; password: string }) => connection.api.call('auth.login', v), onSignedIn)
  const ssoError = props.ssoError && t(`people.sso.errors.${SSO_ERRORS.includes(props.ssoError) ? props.ssoError : 'failed'}`)
  return (
    <AuthCard
      title={t('people.login.title')}
      explain={expired ? t('people.login.expired') : t('people.login.explain')}
      testId="login-screen"
      error={error ?? ssoError}
    >
      {sso && (
        <>
          {/* A navigation, not a call: the provider's pages come next, then the studio again. */}
          <Button size="large" block href="/api/auth/sso" icon={<LoginOutlined />} data-testid="sso-sign-in">
            {t('people.sso.signIn', { name: sso.name })}
          </Button>
          <Divider plain className="muted small">
            {t('people.sso.or')}
          </Divider>
        </>
      )}
      <Form layout="vertical" onFinish={submit} requiredMark={false} className="token-form">
        <EmailField />
        <PasswordField fresh={false} />
        <Button type="primary" size="large" htmlType="submit" block loading={busy} data-testid="login-submit">
          {t('people.login.submit')}
        </Button>
      </Form>
      <p className="muted small">{t('people.login.hint')}</p>
    </AuthCard>
  )
}

/** First run with accounts on: whoever opens the studio first creates the admin. */
export function SetupScreen({ onSignedIn }: { onSignedIn: (s: Signed) => void }) {
  const { t } = useTranslation()
  const { connection } = useStudio()
  const { busy, error, submit } = useSubmit((v: { name: string; email: string; password: string }) => connection.api.call('auth.setup', v), onSignedIn)
  return (
    <AuthCard title={t('people.setup.title')} explain={t('people.setup.explain')} testId="setup-screen" error={error}>
      <Form layout="vertical" onFinish={submit} requiredMark={false} className="token-form">
        <NameField />
        <EmailField />
        <PasswordField fresh />
        <Button type="primary" size="large" htmlType="submit" block loading={busy} data-testid="setup-submit">
          {t('people.setup.submit')}
        </Button>
      </Form>
    </AuthCard>
  )
}

/** An invitation link (`#/invite/<code>`): choose a name and password, and join. */
export function InviteScreen({ code, onSignedIn }: { code: string; onSignedIn: (s: Signed) => void }) {
  const { t } = useTranslation()
  const { connection } = useStudio()
  const { busy, error, submit } = useSubmit(
    (v: { name: string; email: string; password: string }) => connection.api.call('invites.accept', { ...v, code }),
    onSignedIn
  )
  return (
    <AuthCard title={t('people.invite.title')} explain={t('people.invite.explain')} testId="invite-screen" error={error}>
      <Form layout="vertical" onFinish={submit} requiredMark={false} className="token-form">
        <NameField />
        <EmailField />
        <PasswordField fresh />
        <Button type="primary" size="large" htmlType="submit" block loading={busy} data-testid="invite-submit">
          {t('people.invite.submit')}
        </Button>
      </Form>
    </AuthCard>
  )
}
