import { LinkOutlined, UserAddOutlined } from '@ant-design/icons'
import { Alert, App, Button, Form, Input, Modal, Select, Switch, Table, Tabs, Tag, Typography, type TableColumnsType } from 'antd'
import { useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { ApiOutput } from '@contract/api'
import { toApiError } from '../../api/errors'
import { useAuth } from '../../stores/auth-context'
import { useStudio } from '../../stores/hooks'
import { PageHeader } from '../../ui/PageHeader'

type User = ApiOutput<'users.list'>[number]
type Invite = ApiOutput<'invites.list'>[number]
type AuditEntry = ApiOutput<'audit.list'>[number]
const ROLES = ['admin', 'builder', 'member'] as const

/** Admins: everyone with an account (role, disable), adding people with a password or an invitation link, and the audit log. */
export function PeopleScreen() {
  const { t, i18n } = useTranslation()
  const { connection } = useStudio()
  const { api } = connection
  const { message } = App.useApp()
  const me = useAuth((s) => (s.me?.kind === 'user' ? s.me.user.id : null))
  const [users, setUsers] = useState<User[]>([])
  const [invites, setInvites] = useState<Invite[]>([])
  const [audit, setAudit] = useState<AuditEntry[]>([])
  const [error, setError] = useState<string | null>(null)
  const [adding, setAdding] = useState(false)
  const [inviting, setInviting] = useState(false)
  const [link, setLink] = useState<string | null>(null)

  const load = useCallback(async () => {
    try {
      const [u, i, a] = await Promise.all([api.call('users.list', {}), api.call('invites.list', {}), api.call('audit.list', { limit: 100 })])
      setUsers(u)
      setInvites(i)
      setAudit(a)
      setError(null)
    } catch (err) {
      setError(toApiError(err).message)
    }
  }, [api])
  useEffect(() => void load(), [load])

  const change = async (id: string, patch: { role?: User['role']; disabled?: boolean }) => {
    try {
      await api.call('users.update', { id, ...patch })
      await load()
    } catch (err) {
      void message.error(toApiError(err).message)
    }
  }

  const columns: TableColumnsType<User> = [
    {
      title: t('people.name'),
      dataIndex: 'name',
      render: (name: string, u) =>
        u.id === me ? (
          <span>
            {name} <Tag>{t('people.you')}</Tag>
          </span>
        ) : (
          name
        )
    },
    { title: t('people.email'), dataIndex: 'email' },
    {
      title: t('people.role'),
      dataIndex: 'role',
      render: (role: User['role'], u) => (
        <Select
          size="small"
          value={role}
          style={{ width: 120 }}
          onChange={(next) => void change(u.id, { role: next })}
          options={ROLES.map((r) => ({ value: r, label: t(`people.roles.${r}`) }))}
          data-testid={`role-${u.email}`}
        />
      )
    },
    {
      title: t('people.active'),
      dataIndex: 'disabled',
      render: (disabled: boolean, u) => (
        <Switch size="small" checked={!disabled} onChange={(on) => void change(u.id, { disabled: !on })} data-testid={`active-${u.email}`} />
      )
    }
  ]

  return (
    <div className="page" data-testid="people-screen">
      <PageHeader
        title={t('nav.people')}
        subtitle={t('people.subtitle')}
        extra={
          <>
            <Button icon={<LinkOutlined />} onClick={() => setInviting(true)} data-testid="people-invite">
              {t('people.invite.create')}
            </Button>{' '}
            <Button type="primary" icon={<UserAddOutlined />} onClick={() => setAdding(true)} data-testid="people-add">
              {t('people.add')}
            </Button>
          </>
        }
      />
      {error && <Alert type="error" showIcon title={error} />}
      <Tabs
        items={[
          {
            key: 'users',
            label: t('people.tabs.users'),
            children: <Table<User> rowKey="id" columns={columns} dataSource={users} pagination={false} size="middle" />
          },
          {
            key: 'invites',
            label: t('people.tabs.invites'),
            children: (
              <Table<Invite>
                rowKey="id"
                dataSource={invites}
                pagination={false}
                size="middle"
                columns={[
                  { title: t('people.role'), dataIndex: 'role', render: (r: Invite['role']) => t(`people.roles.${r}`) },
                  { title: t('people.email'), dataIndex: 'email', render: (e: string | null) => e ?? '—' },
                  { title: t('people.invite.expires'), dataIndex: 'expiresAt', render: (at: number) => new Date(at).toLocaleString() },
                  {
                    title: t('people.invite.state'),
                    render: (_: unknown, i) =>
                      i.usedAt ? (
                        <Tag color="green">{t('people.invite.used')}</Tag>
                      ) : i.expiresAt < Date.now() ? (
                        <Tag>{t('people.invite.expired')}</Tag>
                      ) : (
                        <Tag color="blue">{t('people.invite.open')}</Tag>
                      )
                  },
                  {
                    render: (_: unknown, i) =>
                      !i.usedAt && (
                        <Button size="small" danger onClick={() => void api.call('invites.delete', { id: i.id }).then(load)}>
                          {t('people.invite.withdraw')}
                        </Button>
                      )
                  }
                ]}
              />
            )
          },
          {
            key: 'audit',
            label: t('people.tabs.audit'),
            children: (
              <Table<AuditEntry>
                rowKey="id"
                dataSource={audit}
                pagination={{ pageSize: 20 }}
                size="small"
                columns={[
                  { title: t('people.audit.when'), dataIndex: 'at', render: (at: number) => new Date(at).toLocaleString() },
                  { title: t('people.audit.who'), dataIndex: 'actorName' },
                  // What a service recorded itself has words (people.audit.actions.*); an endpoint's name is shown as it is.
                  {
                    title: t('people.audit.what'),
                    dataIndex: 'action',
                    render: (a: string) =>
                      i18n.exists(`people.audit.actions.${a}`) ? (
                        <span data-action={a}>{t(`people.audit.actions.${a}`)}</span>
                      ) : (
                        <Typography.Text code>{a}</Typography.Text>
                      )
                  },
                  { title: t('people.audit.target'), dataIndex: 'targetId', render: (id: string | null) => <span className="mono">{id ?? '—'}</span> }
                ]}
              />
            )
          }
        ]}
      />
      <AddPersonModal
        open={adding}
        onClose={() => setAdding(false)}
        onAdd={async (v) => {
          await api.call('users.create', v)
          setAdding(false)
          await load()
        }}
      />
      <InviteModal
        open={inviting}
        onClose={() => {
          setInviting(false)
          setLink(null)
        }}
        link={link}
        onCreate={async (v) => {
          const made = await api.call('invites.create', v)
          setLink(`${window.location.origin}/#/invite/${encodeURIComponent(made.code)}`)
          await load()
        }}
      />
    </div>
  )
}

function useFormSubmit<T>(run: (v: T) => Promise<void>) {
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const submit = async (v: T) => {
    setBusy(true)
    setError(null)
    try {
      await run(v)
    } catch (err) {
      setError(toApiError(err).message)
    } finally {
      setBusy(false)
    }
  }
  return { error, busy, submit }
}

type NewPerson = { name: string; email: string; password: string; role: User['role'] }
function AddPersonModal({ open, onClose, onAdd }: { open: boolean; onClose: () => void; onAdd: (v: NewPerson) => Promise<void> }) {
  const { t } = useTranslation()
  const [form] = Form.useForm<NewPerson>()
  const { error, busy, submit } = useFormSubmit(onAdd)
  return (
    <Modal
      open={open}
      title={t('people.add')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okButtonProps={{ loading: busy, ...({ 'data-testid': 'person-save' } as Record<string, string>) }}
      destroyOnHidden
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" onFinish={submit} initialValues={{ role: 'member' }} preserve={false}>
        <Form.Item name="name" label={t('people.name')} rules={[{ required: true, whitespace: true, message: t('people.nameRequired') }]}>
          <Input data-testid="person-name" />
        </Form.Item>
        <Form.Item name="email" label={t('people.email')} rules={[{ required: true, type: 'email', message: t('people.emailInvalid') }]}>
          <Input data-testid="person-email" />
        </Form.Item>
        <Form.Item
          name="password"
          label={t('people.password')}
          extra={t('people.passwordHint')}
          rules={[{ required: true, min: 8, message: t('people.passwordShort') }]}
        >
          <Input.Password data-testid="person-password" />
        </Form.Item>
        <Form.Item name="role" label={t('people.role')}>
          <Select options={ROLES.map((r) => ({ value: r, label: t(`people.roles.${r}`) }))} />
        </Form.Item>
      </Form>
    </Modal>
  )
}

type NewInvite = { role: User['role']; email?: string }
function InviteModal({
  open,
  onClose,
  onCreate,
  link
}: {
  open: boolean
  onClose: () => void
  onCreate: (v: NewInvite) => Promise<void>
  link: string | null
}) {
  const { t } = useTranslation()
  const [form] = Form.useForm<NewInvite>()
  const { error, busy, submit } = useFormSubmit((v: NewInvite) => onCreate({ role: v.role, ...(v.email ? { email: v.email } : {}) }))
  return (
    <Modal
      open={open}
      title={t('people.invite.create')}
      onCancel={onClose}
      footer={link ? <Button onClick={onClose}>{t('people.close')}</Button> : undefined}
      onOk={() => form.submit()}
      okButtonProps={{ loading: busy }}
      destroyOnHidden
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      {link ? (
        <>
          <p>{t('people.invite.shareLink')}</p>
          <Typography.Paragraph copyable className="mono" data-testid="invite-link">
            {link}
          </Typography.Paragraph>
        </>
      ) : (
        <Form form={form} layout="vertical" onFinish={submit} initialValues={{ role: 'member' }} preserve={false}>
          <Form.Item name="role" label={t('people.role')}>
            <Select options={ROLES.map((r) => ({ value: r, label: t(`people.roles.${r}`) }))} />
          </Form.Item>
          <Form.Item name="email" label={t('people.invite.emailOptional')} rules={[{ type: 'email', message: t('people.emailInvalid') }]}>
            <Input />
          </Form.Item>
        </Form>
      )}
    </Modal>
  )
}
