import { Button, Result, Spin } from 'antd'
import { useCallback, useEffect } from 'react'
import { useTranslation } from 'react-i18next'
import { useStore } from 'zustand'
import type { AuthStore } from '../stores/auth'
import { useArea, useStudio } from '../stores/hooks'
import { TokenScreen } from '../screens/auth/TokenScreen'
import { Shell } from './Shell'
import { translateError } from '../api/errors'

/** First contact with the core: settings load, or the token screen, or "cannot reach the server". */
export function Boot({ auth }: { auth: AuthStore }) {
  const { t } = useTranslation()
  const studio = useStudio()
  const status = useStore(auth, (s) => s.status)
  const rejectedToken = useStore(auth, (s) => s.rejectedToken)
  const error = useArea('settings', (s) => s.error)

  const start = useCallback(async () => {
    await studio.settings.getState().load()
    const failed = studio.settings.getState().error
    if (!failed) auth.getState().set('ok')
  }, [studio, auth])

  useEffect(() => {
    void start()
  }, [start])

  if (status === 'unauthorized') return <TokenScreen rejected={rejectedToken} />
  if (status === 'ok') return <Shell />
  if (error && error.code !== 'unauthorized')
    return (
      <div className="center-screen">
        <Result
          status="warning"
          title={t('boot.unreachable')}
          subTitle={translateError(error)}
          extra={
            <Button type="primary" onClick={() => void start()}>
              {t('common.retry')}
            </Button>
          }
        />
      </div>
    )
  return (
    <div className="center-screen">
      <Spin size="large" />
    </div>
  )
}
