import { CloudUploadOutlined, CodeOutlined, DesktopOutlined, GlobalOutlined, KeyOutlined, MobileOutlined, SyncOutlined } from '@ant-design/icons'
import type { Agent } from '@contract/entities'
import { Alert, Button, Popconfirm, QRCode, Select, Switch, Typography } from 'antd'
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { toApiError, translateField } from '../../../api/errors'
import { kioskOpener } from '../../../api/kiosk-window'
import { routeTo } from '../../../shell/route'
import { useStudio } from '../../../stores/hooks'
import { useFeedback } from '../../../ui/feedback'
import { OpenKioskHere } from './OpenKioskHere'
import { Section } from './Section'
import { useAppInfo, useServerStatus } from '../../../queries/settings'
import { reloadCollection, updateItem } from '../../../queries/collections'

/**
 * Where phones and websites reach this server: a LAN address when LAN access is on, else the
 * address this page came from (browser) or the local server's (desktop). null: no server runs.
 */
function useBaseUrls(): { lan: string[]; local: string | null } {
  const server = useServerStatus()
  const fromPage = window.location.protocol.startsWith('http') ? window.location.origin : null
  return { lan: server?.running ? server.lanUrls : [], local: fromPage ?? (server?.running ? server.url : null) }
}

/** A typed entry as an origin (a pasted URL keeps only its scheme, host and port); null: not a web address. */
export function toOrigin(entry: string): string | null {
  try {
    const url = new URL(entry.trim())
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : null
  } catch {
    return null
  }
}

export const embedSnippet = (base: string, agent: Agent) =>
  `<script src="${base}/embed.js" data-agent="${agent.uuid}" data-key="${agent.publicKey}"${agent.theme.primaryColor ? ` data-color="${agent.theme.primaryColor}"` : ''} defer></script>`

export function PublishPanel({ agent }: { agent: Agent }) {
  const { t } = useTranslation()
  const studio = useStudio()
  const { fail, ok } = useFeedback()
  const { lan, local } = useBaseUrls()
  // Under `agenta serve` only the command line starts the server or opens it to the LAN.
  const byCli = useAppInfo()?.host === 'server'
  const toSettings = byCli ? undefined : (
    <Button size="small" onClick={() => routeTo('settings')}>
      {t('publish.openSettings')}
    </Button>
  )
  const [busy, setBusy] = useState<string | null>(null)
  const [origins, setOrigins] = useState(agent.allowedOrigins)
  const [badOrigin, setBadOrigin] = useState<string | null>(null)
  // What the server refused on save (translated), shown on the field rather than only in a toast.
  const [savedError, setSavedError] = useState<string | null>(null)
  useEffect(() => setOrigins(agent.allowedOrigins), [agent.allowedOrigins])
  // Each new tag must be a web address; it is kept as its origin, which is what frame-ancestors compares.
  const changeOrigins = (next: string[]) => {
    const kept: string[] = []
    let refused: string | null = null
    for (const entry of next) {
      if (origins.includes(entry)) kept.push(entry)
      else {
        const origin = toOrigin(entry)
        if (origin) kept.push(origin)
        else refused = entry
      }
    }
    setBadOrigin(refused)
    setSavedError(null)
    setOrigins([...new Set(kept)])
  }

  const run = async (what: string, fn: () => Promise<unknown>, done: string) => {
    setBusy(what)
    try {
      await fn()
      ok(done)
    } catch (err) {
      fail(err)
    } finally {
      setBusy(null)
    }
  }
  const publish = (published: boolean) =>
    run('publish', () => updateItem(studio, 'agents', agent.id, { published }), published ? t('publish.published') : t('publish.unpublished'))
  const rotate = () =>
    run(
      'rotate',
      async () => {
        const next = await studio.connection.api.call('agents.rotateKey', { id: agent.id })
        // The agents list holds the key; the new one must show at once.
        await reloadCollection(studio, 'agents')
        return next
      },
      t('publish.rotated')
    )
  const saveOrigins = async () => {
    setBusy('origins')
    try {
      await updateItem(studio, 'agents', agent.id, { allowedOrigins: origins })
      setSavedError(null)
      ok(t('common.saved'))
    } catch (err) {
      const mine = toApiError(err).fields.filter((f) => f.path === 'allowedOrigins' || f.path.startsWith('allowedOrigins.'))
      const said = mine.map((f) => {
        const entry = origins[Number(f.path.split('.')[1])]
        return entry === undefined ? translateField(f, t) : `${entry}: ${translateField(f, t)}`
      })
      setSavedError(said.length ? said.join(t('errors.separator')) : null)
      fail(err)
    } finally {
      setBusy(null)
    }
  }

  const base = lan[0] ?? local ?? ''
  const phoneUrls = (lan.length ? lan : local ? [local] : []).map((u) => `${u}/chat/${agent.uuid}`)
  const kioskUrls = (lan.length ? lan : local ? [local] : []).map((u) => `${u}/kiosk/${agent.uuid}`)
  const originsChanged = origins.join('\n') !== agent.allowedOrigins.join('\n')
  // The desktop app opens the kiosk on this screen itself (and starts the server for it if it is off).
  const kioskBridge = kioskOpener()

  return (
    <div className="publish" data-testid="publish-panel">
      <Section icon={<CloudUploadOutlined />} title={t('publish.title')}>
        <div className="publish-row">
          <div>
            <div className="publish-state">{agent.published ? t('publish.isPublished') : t('publish.isDraft')}</div>
            <div className="muted small">{t('publish.explain')}</div>
          </div>
          <Switch checked={agent.published} loading={busy === 'publish'} onChange={(on) => void publish(on)} data-testid="publish-switch" />
        </div>
        {!agent.published && <Alert type="info" showIcon title={t('publish.draftNotice')} />}
      </Section>

      <Section icon={<KeyOutlined />} title={t('publish.key')}>
        <div className="publish-row">
          <Typography.Text copyable className="mono" data-testid="public-key">
            {agent.publicKey}
          </Typography.Text>
          <Popconfirm
            title={t('publish.rotateTitle')}
            description={t('publish.rotateBody')}
            okText={t('publish.rotate')}
            cancelText={t('common.cancel')}
            onConfirm={() => void rotate()}
          >
            <Button icon={<SyncOutlined />} loading={busy === 'rotate'} data-testid="rotate-key">
              {t('publish.rotate')}
            </Button>
          </Popconfirm>
        </div>
      </Section>

      <Section icon={<MobileOutlined />} title={t('publish.phone')}>
        {!phoneUrls.length && (
          <Alert
            type="warning"
            showIcon
            title={t(byCli ? 'publish.serverOffServe' : 'publish.serverOff')}
            action={toSettings}
            data-testid="publish-server-off"
          />
        )}
        <div className={`publish-phone ${phoneUrls.length ? '' : 'hidden'}`}>
          <QRCode
            value={phoneUrls[0]}
            size={148}
            bordered={false}
            status={agent.published ? 'active' : 'expired'}
            statusRender={() => <span className="muted small">{t('publish.qrDraft')}</span>}
            data-testid="publish-qr"
          />
          <div className="publish-urls">
            {phoneUrls.map((u) => (
              <Typography.Text key={u} copyable className="mono" data-testid="phone-url">
                <a href={u} target="_blank" rel="noreferrer">
                  {u}
                </a>
              </Typography.Text>
            ))}
            {!lan.length && phoneUrls.length > 0 && (
              <Alert type="warning" showIcon title={t(byCli ? 'publish.lanOffServe' : 'publish.lanOff')} action={toSettings} data-testid="publish-lan-off" />
            )}
          </div>
        </div>
      </Section>

      {(kioskUrls.length > 0 || kioskBridge) && (
        <Section icon={<DesktopOutlined />} title={t('publish.kiosk')}>
          <p className="muted small">{t('publish.kioskHint')}</p>
          <div className="publish-urls">
            {kioskUrls.map((u) => (
              <Typography.Text key={u} copyable className="mono" data-testid="kiosk-url">
                <a href={u} target="_blank" rel="noreferrer">
                  {u}
                </a>
              </Typography.Text>
            ))}
          </div>
          {kioskBridge && <OpenKioskHere agent={agent} bridge={kioskBridge} />}
        </Section>
      )}

      <Section icon={<CodeOutlined />} title={t('publish.embed')}>
        <p className="muted small">{t('publish.embedHint')}</p>
        <Typography.Paragraph copyable={{ text: embedSnippet(base, agent) }} className="publish-snippet">
          <pre className="mono" data-testid="embed-snippet">
            {embedSnippet(base, agent)}
          </pre>
        </Typography.Paragraph>
      </Section>

      <Section icon={<GlobalOutlined />} title={t('publish.origins')}>
        <p className="muted small">{t('publish.originsHint')}</p>
        <div className="publish-row">
          <Select
            mode="tags"
            className="grow"
            value={origins}
            onChange={changeOrigins}
            tokenSeparators={[',', '\n']}
            status={badOrigin || savedError ? 'error' : undefined}
            placeholder="https://shop.example.com"
            open={false}
            data-testid="allowed-origins"
          />
          <Button type="primary" disabled={!originsChanged} loading={busy === 'origins'} onClick={() => void saveOrigins()} data-testid="origins-save">
            {t('common.save')}
          </Button>
        </div>
        {badOrigin !== null && (
          <Typography.Text type="danger" className="small" role="alert" data-testid="origins-error">
            {t('publish.originInvalid', { entry: badOrigin })}
          </Typography.Text>
        )}
        {badOrigin === null && savedError !== null && (
          <Typography.Text type="danger" className="small" role="alert" data-testid="origins-error">
            {savedError}
          </Typography.Text>
        )}
      </Section>
    </div>
  )
}
