import { CloudServerOutlined } from '@ant-design/icons'
import type { ApiInput } from '@contract/api'
import { Alert, Badge, InputNumber, QRCode, Switch, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import { useStudio } from '../../stores/hooks'
import { useFeedback } from '../../ui/feedback'
import { SettingCard, SettingRow } from './SettingRow'
import { updateSettings, useAppInfo, useServerStatus, useSettings } from '../../queries/settings'

export function ServerSection() {
  const { t } = useTranslation()
  const studio = useStudio()
  const { fail } = useFeedback()
  const settings = useSettings()
  const server = useServerStatus()
  const info = useAppInfo()
  const update = (patch: ApiInput<'settings.update'>) => updateSettings(studio, patch).catch((err) => fail(err))
  if (!settings || !server) return null
  // Under `agenta serve` the command line chose the port and the interfaces; the saved settings
  // only drive the desktop app's server, so show what runs and lock what only the CLI sets.
  const byCli = info?.host === 'server'
  const runningPort = server.url ? Number(new URL(server.url).port) || null : null

  return (
    <SettingCard title={t('settings.server.title')} icon={<CloudServerOutlined />} testId="settings-server">
      <SettingRow label={t('settings.server.status')}>
        <Badge
          status={server.running ? 'success' : server.error ? 'error' : 'default'}
          text={server.running ? t('settings.server.running') : t('settings.server.stopped')}
        />
      </SettingRow>
      {server.error && <Alert type="error" showIcon title={server.error} className="setting-alert" />}
      {server.url && (
        <SettingRow label={t('settings.server.url')} help={t('settings.server.urlHelp')}>
          <Typography.Text copyable className="mono" data-testid="server-url">
            {server.url}
          </Typography.Text>
        </SettingRow>
      )}
      <SettingRow label={t('settings.server.lanUrls')} help={server.lanUrls.length ? t('settings.server.lanUrlsHelp') : t('settings.server.lanOff')}>
        <div className="url-list">
          {server.lanUrls.length ? (
            server.lanUrls.map((u) => (
              <Typography.Text key={u} copyable className="mono">
                {u}
              </Typography.Text>
            ))
          ) : (
            <span className="muted">—</span>
          )}
        </div>
      </SettingRow>
      {server.token && (
        <SettingRow label={t('settings.server.token')} help={t('settings.server.tokenHelp')}>
          <Typography.Text copyable={{ text: server.token }} className="mono" data-testid="server-token">
            {`${server.token.slice(0, 4)}••••${server.token.slice(-4)}`}
          </Typography.Text>
        </SettingRow>
      )}
      {server.token && server.lanUrls[0] && (
        <SettingRow label={t('settings.server.qr')} help={t('settings.server.qrHelp')}>
          <QRCode value={`${server.lanUrls[0]}/?token=${encodeURIComponent(server.token)}`} size={132} data-testid="server-qr" />
        </SettingRow>
      )}
      {byCli && <Alert type="info" showIcon title={t('settings.server.cliOnly')} className="setting-alert" data-testid="server-cli-note" />}
      <SettingRow label={t('settings.server.lan')} help={t('settings.server.lanHelp')}>
        <Switch checked={byCli ? server.lanUrls.length > 0 : settings.server.lan} disabled={byCli} onChange={(lan) => void update({ server: { lan } })} />
      </SettingRow>
      <SettingRow label={t('settings.server.port')} help={t('settings.server.restartHelp')}>
        <InputNumber
          min={1}
          max={65535}
          value={byCli ? runningPort : settings.server.port}
          disabled={byCli}
          onBlur={(e) => {
            const port = Number(e.target.value)
            if (Number.isInteger(port) && port !== settings.server.port) void update({ server: { port } })
          }}
        />
      </SettingRow>
      <SettingRow label={t('settings.server.autoStart')} help={t('settings.server.autoStartHelp')}>
        <Switch
          checked={byCli ? server.running : settings.server.autoStart}
          disabled={byCli}
          onChange={(autoStart) => void update({ server: { autoStart } })}
        />
      </SettingRow>
    </SettingCard>
  )
}
