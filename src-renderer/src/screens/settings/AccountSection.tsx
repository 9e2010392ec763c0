import { KeyOutlined, LogoutOutlined, UserOutlined } from '@ant-design/icons'
import { Alert, App, Button, Checkbox, Form, Input, InputNumber, Modal, Table, Tag, Typography } from 'antd'
import { useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { ApiOutput } from '@contract/api'
import { toApiError } from '../../api/errors'
import { useAuth } from '../../stores/auth-context'
import { useStudio } from '../../stores/hooks'
import { SettingCard, SettingRow } from './SettingRow'

type Token = ApiOutput<'tokens.list'>[number]
type Scope = Token['scopes'][number]

/** Signed in with accounts on: who I am, signing out, and my personal API tokens. */
export function AccountSection() {
  const me = useAuth((s) => (s.me?.kind === 'user' ? s.me : null))
  if (!me) return null
  return (
    <>
      <WhoAmI name={me.user.name} email={me.user.email} role={me.user.role} />
      <TokensSection scopes={me.scopes} />
    </>
  )
}

function WhoAmI({ name, email, role }: { name: string; email: string; role: string }) {
  const { t } = useTranslation()
  const { connection } = useStudio()
  const signOut = async () => {
    await connection.api.call('auth.logout', {}).catch(() => undefined)
    // A fresh start asks the server again, which now answers with the sign-in screen.
    window.location.reload()
  }
  return (
    <SettingCard title={t('people.account.title')} icon={<UserOutlined />} testId="settings-account">
      <SettingRow label={t('people.name')}>
        <span data-testid="account-name">{name}</span>
      </SettingRow>
      <SettingRow label={t('people.email')}>{email}</SettingRow>
      <SettingRow label={t('people.role')}>
        <Tag>{t(`people.roles.${role}`)}</Tag>
      </SettingRow>
      <SettingRow label={t('people.account.signOut')}>
        <Button icon={<LogoutOutlined />} onClick={() => void signOut()} data-testid="sign-out">
          {t('people.account.signOut')}
        </Button>
      </SettingRow>
    </SettingCard>
  )
}

function TokensSection({ scopes }: { scopes: Scope[] }) {
  const { t } = useTranslation()
  const { connection } = useStudio()
  const { api } = connection
  const { modal } = App.useApp()
  const [tokens, setTokens] = useState<Token[]>([])
  const [creating, setCreating] = useState(false)
  const [made, setMade] = useState<string | null>(null)
  const load = useCallback(async () => setTokens(await api.call('tokens.list', {})), [api])
  useEffect(() => void load().catch(() => undefined), [load])

  const revoke = (token: Token) =>
    modal.confirm({
      title: t('people.tokens.revokeTitle', { name: token.name }),
      content: t('people.tokens.revokeText'),
      okButtonProps: { danger: true },
      onOk: async () => {
        await api.call('tokens.delete', { id: token.id })
        await load()
      }
    })

  return (
    <SettingCard title={t('people.tokens.title')} icon={<KeyOutlined />} testId="settings-tokens">
      <p className="muted">{t('people.tokens.explain')}</p>
      <Table<Token>
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={tokens}
        locale={{ emptyText: t('people.tokens.none') }}
        columns={[
          { title: t('people.tokens.name'), dataIndex: 'name' },
          { title: t('people.tokens.prefix'), dataIndex: 'prefix', render: (p: string) => <span className="mono">{p}…</span> },
          { title: t('people.tokens.scopes'), dataIndex: 'scopes', render: (s: Scope[]) => s.map((x) => <Tag key={x}>{t(`people.scopes.${x}`)}</Tag>) },
          { title: t('people.tokens.lastUsed'), dataIndex: 'lastUsedAt', render: (at: number | null) => (at ? new Date(at).toLocaleString() : '—') },
          {
            render: (_: unknown, token) => (
              <Button size="small" danger onClick={() => revoke(token)}>
                {t('people.tokens.revoke')}
              </Button>
            )
          }
        ]}
      />
      <Button icon={<KeyOutlined />} style={{ marginTop: 12 }} onClick={() => setCreating(true)} data-testid="token-new">
        {t('people.tokens.create')}
      </Button>
      <NewTokenModal
        open={creating}
        scopes={scopes}
        made={made}
        onClose={() => {
          setCreating(false)
          setMade(null)
        }}
        onCreate={async (v) => {
          const created = await api.call('tokens.create', v)
          setMade(created.token)
          await load()
        }}
      />
    </SettingCard>
  )
}

type NewToken = { name: string; scopes: Scope[]; days?: number }
function NewTokenModal(props: { open: boolean; scopes: Scope[]; made: string | null; onClose: () => void; onCreate: (v: NewToken) => Promise<void> }) {
  const { t } = useTranslation()
  const [form] = Form.useForm<NewToken>()
  const [error, setError] = useState<string | null>(null)
  const submit = async (v: NewToken) => {
    setError(null)
    try {
      await props.onCreate({ name: v.name, scopes: v.scopes, ...(v.days ? { days: v.days } : {}) })
    } catch (err) {
      setError(toApiError(err).message)
    }
  }
  return (
    <Modal
      open={props.open}
      title={t('people.tokens.create')}
      onCancel={props.onClose}
      onOk={() => (props.made ? props.onClose() : form.submit())}
      okText={props.made ? t('people.close') : t('people.tokens.make')}
      destroyOnHidden
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      {props.made ? (
        <>
          <Alert type="warning" showIcon title={t('people.tokens.once')} style={{ marginBottom: 12 }} />
          <Typography.Paragraph copyable className="mono" data-testid="token-value">
            {props.made}
          </Typography.Paragraph>
        </>
      ) : (
        <Form form={form} layout="vertical" onFinish={(v) => void submit(v)} initialValues={{ scopes: ['chat'] }} preserve={false}>
          <Form.Item name="name" label={t('people.tokens.name')} rules={[{ required: true, whitespace: true, message: t('people.nameRequired') }]}>
            <Input placeholder={t('people.tokens.namePlaceholder')} />
          </Form.Item>
          <Form.Item
            name="scopes"
            label={t('people.tokens.scopes')}
            rules={[{ required: true, type: 'array', min: 1, message: t('people.tokens.scopeRequired') }]}
          >
            <Checkbox.Group options={props.scopes.map((s) => ({ value: s, label: t(`people.scopes.${s}`) }))} />
          </Form.Item>
          <Form.Item name="days" label={t('people.tokens.days')} extra={t('people.tokens.daysHelp')}>
            <InputNumber min={1} max={3650} />
          </Form.Item>
        </Form>
      )}
    </Modal>
  )
}
