import { ArrowLeftOutlined, CloseOutlined, CloudServerOutlined } from '@ant-design/icons'
import { Alert, Button, Form, Input, List, Modal, Tooltip, Typography } from 'antd'
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { TeamServer } from '@contract/team-servers'
import { fromWire, toApiError, translateError } from '../api/errors'
import { useStudio } from '../stores/hooks'

/** The desktop app names itself in the user agent of the window that shows a team server (electron/team-window.ts). */
const DESKTOP_UA_TOKEN = 'AgentaDesktop/'
/** The main process intercepts this and shows the local studio again. */
export const LOCAL_STUDIO_URL = 'agenta://local'

/** This page is a team server's studio shown inside the desktop app (not the desktop's own studio, which has the bridge). */
export const insideDesktopRemote = () => typeof navigator !== 'undefined' && navigator.userAgent.includes(DESKTOP_UA_TOKEN) && !window.agenta

/** "Back to this computer": only inside the desktop app, on a team server's pages. `floating` where there is no header (sign-in). */
export function BackToLocal({ floating = false }: { floating?: boolean }) {
  const { t } = useTranslation()
  if (!insideDesktopRemote()) return null
  return (
    <Tooltip title={t('teamConnect.backHint')}>
      <a className={floating ? 'back-to-local back-to-local-floating' : 'back-to-local'} href={LOCAL_STUDIO_URL} data-testid="back-to-local">
        <ArrowLeftOutlined /> {t('teamConnect.back')}
      </a>
    </Tooltip>
  )
}

/**
 * "Connect to a team server…": the core checks the address (an Agenta server of this version, ready,
 * with accounts) and remembers it; then the desktop shows it in this window (the main process loads
 * it without our bridge), or a browser goes there.
 */
export function TeamConnectButton() {
  const { t } = useTranslation()
  const [open, setOpen] = useState(false)
  return (
    <>
      <Tooltip title={t('teamConnect.open')}>
        <Button
          type="text"
          shape="circle"
          icon={<CloudServerOutlined />}
          onClick={() => setOpen(true)}
          data-testid="team-connect"
          aria-label={t('teamConnect.open')}
        />
      </Tooltip>
      {open && <TeamConnectDialog onClose={() => setOpen(false)} />}
    </>
  )
}

function TeamConnectDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation()
  const studio = useStudio()
  const [form] = Form.useForm<{ url: string }>()
  const [recent, setRecent] = useState<TeamServer[]>([])
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    studio.connection.api.call('teamServers.recent', {}).then(
      (r) => setRecent(r.servers),
      () => undefined
    )
  }, [studio])

  const connect = async (url: string) => {
    setBusy(true)
    setError(null)
    try {
      const server = await studio.connection.api.call('teamServers.check', { url })
      if (window.agenta) {
        const shown = window.agenta.openTeamServer ? await window.agenta.openTeamServer({ origin: server.origin }) : null
        if (!shown) throw new Error('This version of the desktop app cannot show a team server')
        if (!shown.ok) throw fromWire(shown.error)
        onClose()
      } else window.location.assign(`${server.origin}/`)
    } catch (err) {
      const e = toApiError(err)
      setError(translateError(e))
      if (e.fields.length) form.setFields([{ name: 'url', errors: [translateError(e)] }])
    } finally {
      setBusy(false)
    }
  }

  const forget = async (origin: string) => {
    await studio.connection.api.call('teamServers.forget', { origin }).catch(() => undefined)
    setRecent((list) => list.filter((s) => s.origin !== origin))
  }

  return (
    <Modal open title={t('teamConnect.title')} onCancel={onClose} footer={null} destroyOnHidden wrapClassName="team-connect-dialog">
      <Typography.Paragraph type="secondary">{t('teamConnect.intro')}</Typography.Paragraph>
      <Form form={form} layout="vertical" onFinish={(v) => void connect(v.url)} requiredMark={false}>
        <Form.Item name="url" label={t('teamConnect.url')} rules={[{ required: true, whitespace: true, message: t('errors.reason.not_empty') }]}>
          <Input placeholder={t('teamConnect.urlPlaceholder')} autoFocus data-testid="team-connect-url" onChange={() => setError(null)} />
        </Form.Item>
        {error && <Alert type="error" showIcon message={error} data-testid="team-connect-error" style={{ marginBottom: 16 }} />}
        <Button type="primary" htmlType="submit" loading={busy} block data-testid="team-connect-submit">
          {busy ? t('teamConnect.checking') : t('teamConnect.connect')}
        </Button>
      </Form>
      {recent.length > 0 && (
        <List
          style={{ marginTop: 20 }}
          size="small"
          header={<Typography.Text strong>{t('teamConnect.recent')}</Typography.Text>}
          dataSource={recent}
          data-testid="team-connect-recent"
          renderItem={(s) => (
            <List.Item
              actions={[
                <Button
                  key="forget"
                  type="text"
                  size="small"
                  icon={<CloseOutlined />}
                  aria-label={t('teamConnect.forget')}
                  onClick={() => void forget(s.origin)}
                />
              ]}
            >
              <Button type="link" onClick={() => (form.setFieldsValue({ url: s.origin }), void connect(s.origin))} disabled={busy}>
                {s.origin}
              </Button>
              <Typography.Text type="secondary">{t('teamConnect.version', { version: s.version })}</Typography.Text>
            </List.Item>
          )}
        />
      )}
    </Modal>
  )
}
