import { FullscreenOutlined } from '@ant-design/icons'
import type { AgentaBridge } from '@contract/bridge'
import type { Agent } from '@contract/entities'
import { EXIT_SHORTCUT } from '@contract/kiosk'
import { Button, Typography } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { translateError } from '../../../api/errors'
import { openKioskWindow } from '../../../api/kiosk-window'
import { useFeedback } from '../../../ui/feedback'
import './open-kiosk.css'

/**
 * The desktop app's "Open kiosk on this screen": the agent's kiosk page full screen in its own
 * window (electron/kiosk-window.ts), with how the operator gets out again. Shown only where the
 * bridge can open one; a browser keeps the link.
 */
export function OpenKioskHere({ agent, bridge }: { agent: Agent; bridge: AgentaBridge }) {
  const { t } = useTranslation()
  const { ok } = useFeedback()
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const open = async () => {
    setBusy(true)
    setError(null)
    try {
      await openKioskWindow(bridge, agent.uuid)
      ok(t('publish.kioskOpened', { shortcut: EXIT_SHORTCUT }))
    } catch (err) {
      setError(translateError(err, t))
    } finally {
      setBusy(false)
    }
  }
  return (
    <div className="publish-kiosk-window" data-testid="kiosk-window">
      <Button icon={<FullscreenOutlined />} disabled={!agent.published} loading={busy} onClick={() => void open()} data-testid="open-kiosk">
        {t('publish.kioskOpen')}
      </Button>
      <div className="muted small" data-testid="kiosk-exit-help">
        {agent.published ? t('publish.kioskExit', { shortcut: EXIT_SHORTCUT }) : t('publish.kioskDraft')}
      </div>
      {error !== null && (
        <Typography.Text type="danger" className="small" role="alert" data-testid="open-kiosk-error">
          {error}
        </Typography.Text>
      )}
    </div>
  )
}
