import { KeyOutlined } from '@ant-design/icons'
import { Alert, Button, Form, Input } from 'antd'
import { useTranslation } from 'react-i18next'
import { Logo } from '../../ui/Logo'

/**
 * The browser studio without a valid cookie. The token goes to the server in a page load
 * (`/?token=`) so it answers with its HttpOnly cookie; scripts never hold the token.
 */
export function TokenScreen({ rejected }: { rejected: boolean }) {
  const { t } = useTranslation()
  const submit = ({ token }: { token: string }) => {
    window.location.assign(`/?token=${encodeURIComponent(token.trim())}${window.location.hash}`)
  }
  return (
    <div className="token-screen" data-testid="token-screen">
      <div className="token-card">
        <Logo size={56} />
        <h1>{t('auth.title')}</h1>
        <p className="muted">{t('auth.explain')}</p>
        {rejected && <Alert type="error" showIcon title={t('auth.rejected')} className="token-alert" data-testid="token-rejected" />}
        <Form layout="vertical" onFinish={submit} requiredMark={false} className="token-form">
          <Form.Item name="token" label={t('auth.token')} rules={[{ required: true, whitespace: true, message: t('auth.tokenRequired') }]}>
            <Input.Password size="large" prefix={<KeyOutlined />} placeholder={t('auth.tokenPlaceholder')} autoFocus data-testid="token-input" />
          </Form.Item>
          <Button type="primary" size="large" htmlType="submit" block data-testid="token-submit">
            {t('auth.connect')}
          </Button>
        </Form>
        <p className="muted small">{t('auth.hint')}</p>
      </div>
    </div>
  )
}
