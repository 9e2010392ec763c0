import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { guessLanguage, initI18n } from '../i18n'
import { PhoneApp } from './PhoneApp'
import { protocolClient, type PhoneConfig } from './protocol'
import { createPhoneStore } from './store'
import '../ui/emoji-font.css'
import '../chat/chat.css'
import './phone.css'

const raw = document.getElementById('agenta-agent')?.textContent
const config = raw ? (JSON.parse(raw) as PhoneConfig) : null
const root = createRoot(document.getElementById('root')!)
initI18n(guessLanguage())

// The visitor's device decides "system"; the agent may pin light or dark.
const prefersDark = window.matchMedia('(prefers-color-scheme: dark)').matches
const mode = config?.theme.mode ?? 'system'
document.documentElement.dataset.theme = mode === 'system' ? (prefersDark ? 'dark' : 'light') : mode
if (config?.theme.primaryColor) document.documentElement.style.setProperty('--accent', config.theme.primaryColor)

if (!config) {
  // Opened as /phone.html directly: only /chat/<uuid> carries an agent.
  root.render(<p className="p-missing">/chat/&lt;agent uuid&gt;</p>)
} else {
  const storage = {
    get: (k: string) => localStorage.getItem(k),
    set: (k: string, v: string) => localStorage.setItem(k, v),
    remove: (k: string) => localStorage.removeItem(k)
  }
  const store = createPhoneStore(protocolClient(config), config.uuid, storage)
  root.render(
    <StrictMode>
      <PhoneApp config={config} store={store} />
    </StrictMode>
  )
}
