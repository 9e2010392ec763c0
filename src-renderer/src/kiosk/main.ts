import { Kiosk, type KioskConfig } from './kiosk'
import { kioskLang, kioskStrings } from './strings'
import './kiosk.css'

const raw = document.getElementById('agenta-agent')?.textContent
const config = raw ? (JSON.parse(raw) as KioskConfig) : null
const host = document.getElementById('kiosk')!

if (!config) {
  // Opened as /kiosk.html directly: only /kiosk/<uuid> carries an agent.
  host.textContent = '/kiosk/<agent uuid>'
} else {
  const query = new URLSearchParams(location.search)
  const lang = kioskLang(query.get('lang'), config.name + config.welcomeMessage, navigator.language)
  document.documentElement.lang = lang
  if (config.theme.primaryColor) document.documentElement.style.setProperty('--k-accent', config.theme.primaryColor)
  const bargeInDb = Number(query.get('bargein'))
  new Kiosk(host, config, kioskStrings(lang), {
    listen: query.get('listen') === 'push' ? 'push' : 'vad',
    bargeInDb: query.has('bargein') && Number.isFinite(bargeInDb) && bargeInDb < 0 ? bargeInDb : undefined
  })
}
