import { Button, Result, Spin } from 'antd'
import { useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useStore } from 'zustand'
import type { ApiOutput } from '@contract/api'
import { toApiError, type ApiError } from '../api/errors'
import type { AuthStore } from '../stores/auth'
import { AuthContext } from '../stores/auth-context'
import { useStudio } from '../stores/hooks'
import { loadSettings } from '../queries/settings'
import { TokenScreen } from '../screens/auth/TokenScreen'
import { InviteScreen, LoginScreen, SetupScreen } from '../screens/auth/PeopleAuthScreens'
import { Shell } from './Shell'
import { translateError } from '../api/errors'
import { BackToLocal } from './TeamConnect'

/** `?sso_error=<why>`: single sign-on came back without a session (read once, then taken off the address). */
const takeSsoError = (): string | null => {
  const url = new URL(window.location.href)
  const why = url.searchParams.get('sso_error')
  if (!why) return null
  url.searchParams.delete('sso_error')
  window.history.replaceState(null, '', url.pathname + url.search + url.hash)
  return why
}

/** `#/invite/<code>`: the link an admin shares. */
const inviteCode = (): string | null => {
  const m = /^#\/invite\/([^/?#]+)/.exec(window.location.hash)
  return m ? decodeURIComponent(m[1]!) : null
}

/**
 * First contact with the core: who is calling (a browser asks the server whether accounts are
 * on: then the first-run setup, an invitation, or signing in), then settings load — or the token
 * screen, or "cannot reach the server".
 */
export function Boot({ auth }: { auth: AuthStore }) {
  const { t } = useTranslation()
  const studio = useStudio()
  const status = useStore(auth, (s) => s.status)
  const rejectedToken = useStore(auth, (s) => s.rejectedToken)
  const accounts = useStore(auth, (s) => s.accounts)
  const needsSetup = useStore(auth, (s) => s.needsSetup)
  const me = useStore(auth, (s) => s.me)
  const sso = useStore(auth, (s) => s.sso)
  const [ssoError] = useState(takeSsoError)
  const [error, setError] = useState<ApiError | null>(null)
  const [invite, setInvite] = useState(inviteCode)

  const start = useCallback(async () => {
    if (studio.connection.host === 'browser') {
      try {
        const state = await studio.connection.api.call('auth.state', {})
        auth.getState().setPeople(state)
        if (state.accounts && (state.needsSetup || !state.me)) return
        // A person's own language and theme, over the studio's (which the owner changes for everyone).
        if (state.me?.kind === 'user') auth.getState().setPrefs(await studio.connection.api.call('me.preferences', {}))
      } catch (err) {
        // Accounts off and no token: the API hook has already shown the token screen.
        if (toApiError(err).code === 'unauthorized') return
      }
    } else auth.getState().setPeople({ accounts: false, needsSetup: false, me: { kind: 'owner' } })
    try {
      await loadSettings(studio)
      setError(null)
      auth.getState().set('ok')
    } catch (err) {
      setError(toApiError(err))
    }
  }, [studio, auth])

  useEffect(() => {
    void start()
  }, [start])

  const signedIn = (_s: ApiOutput<'auth.login'>) => {
    if (invite) {
      window.history.replaceState(null, '', window.location.pathname)
      setInvite(null)
    }
    auth.getState().set('checking')
    void start()
  }

  const screen = () => {
    if (accounts && invite && (!me || status !== 'ok')) return <InviteScreen code={invite} onSignedIn={signedIn} />
    if (accounts && needsSetup) return <SetupScreen onSignedIn={signedIn} />
    if (accounts && (!me || status === 'unauthorized'))
      return <LoginScreen expired={status === 'unauthorized'} sso={sso} ssoError={ssoError} onSignedIn={signedIn} />
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
  return (
    <AuthContext.Provider value={auth}>
      {screen()}
      {/* Inside the desktop on a team server's pages: the way back, before signing in too (the shell's header has its own). */}
      {status !== 'ok' && <BackToLocal floating />}
    </AuthContext.Provider>
  )
}
