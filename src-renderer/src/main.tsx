import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { connect } from './api'
import { StudioApp } from './App'
import { initI18n } from './i18n'
import { createAuthStore } from './stores/auth'
import { createStudio } from './stores/studio'
import './ui/emoji-font.css'
import './styles.css'

// The server strips a valid `?token=` (it becomes a cookie); one still here was refused.
const params = new URLSearchParams(window.location.search)
const rejectedToken = params.has('token')
if (rejectedToken) window.history.replaceState(null, '', window.location.pathname + window.location.hash)

initI18n()
const auth = createAuthStore(rejectedToken)
const studio = createStudio(connect(() => auth.getState().set('unauthorized')))

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <StudioApp studio={studio} auth={auth} />
  </StrictMode>
)
