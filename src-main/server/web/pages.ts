import type { Agent } from '../../contract/entities'
import type { KioskConfig, PhoneConfig } from '../../contract/pages'
import type { ResolvedAvatar } from '../../core/digital-humans/digital-humans-service'

export const phoneConfig = (agent: Agent, embed: boolean): PhoneConfig => ({
  uuid: agent.uuid,
  key: agent.publicKey,
  name: agent.name,
  avatar: agent.avatar,
  description: agent.description,
  welcomeMessage: agent.welcomeMessage,
  quickPhrases: agent.quickPhrases,
  theme: agent.theme,
  embed
})

export const DEFAULT_KIOSK_IDLE_SECONDS = 90

/** Where the kiosk page of an agent loads its chat avatar's GLB/VRM (served for that published agent only). */
export const kioskModelPath = (uuid: string) => `/kiosk/${encodeURIComponent(uuid)}/avatar-model`

/** The kiosk's config: the phone page's facts, the agent's chat avatar (resolved from the registry) and the idle reset. */
export function kioskConfig(agent: Agent, avatar: ResolvedAvatar, idleSeconds: number): KioskConfig {
  const { embed: _embed, ...phone } = phoneConfig(agent, false)
  const threeD = avatar.kind === 'glb' || avatar.kind === 'vrm'
  return {
    ...phone,
    digitalHuman: {
      kind: avatar.kind,
      look: avatar.look,
      palette: avatar.palette,
      modelUrl: threeD && avatar.modelFile ? `${kioskModelPath(agent.uuid)}?v=${avatar.modelFile.sha256.slice(0, 12)}` : null,
      liveTalking: avatar.kind === 'livetalking' ? avatar.liveTalking : null
    },
    idleSeconds
  }
}

// `<` escaped so no value can close the script element the JSON sits in.
const jsonForHtml = (value: unknown) =>
  JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')

/**
 * The built phone.html, served at /chat/<uuid>: its relative asset URLs made absolute (the page
 * lives one folder down) and the agent's config put in a JSON script element (not executed, so the
 * strict CSP holds).
 */
export function renderPhonePage(template: string, config: PhoneConfig | KioskConfig): string {
  const html = template.replace(/(src|href)="\.\/assets\//g, '$1="/assets/')
  const lang = /[\u4e00-\u9fff]/.test(config.name + config.welcomeMessage) ? 'zh-CN' : 'en'
  return html
    .replace(/<html lang="[^"]*"/, `<html lang="${lang}"`)
    .replace(/<title>[^<]*<\/title>/, `<title>${escapeHtml(config.name)}</title>`)
    .replace('</head>', `<script id="agenta-agent" type="application/json">${jsonForHtml(config)}</script>\n</head>`)
}

export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)

// Drawn inline, not as the 💬 emoji: this page loads no font, and a machine without an emoji font showed an empty box.
const CHAT_ICON =
  '<svg width="44" height="44" viewBox="0 0 24 24" fill="none" stroke="#4f6ef7" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true"><path d="M21 15a2 2 0 0 1-2 2H7l-4 4V5a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2z"/></svg>'

/** The page a phone sees for an agent it may not use: says why in both UI languages, leaks nothing. */
export function messagePage(title: { en: string; zh: string }, body: { en: string; zh: string }): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark"><title>${escapeHtml(title.en)}</title>
<style>body{font-family:-apple-system,BlinkMacSystemFont,'Segoe UI','PingFang SC','Noto Sans CJK SC',sans-serif;margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;background:#f4f6fa;color:#101828}
@media (prefers-color-scheme: dark){body{background:#141414;color:#e6e6e6}.box{background:#1f1f1f!important}}
.box{max-width:420px;margin:24px;padding:28px;border-radius:16px;background:#fff;box-shadow:0 8px 24px rgba(0,0,0,.08);text-align:center}
h1{font-size:19px;margin:0 0 8px}p{margin:0 0 6px;line-height:1.6;color:#667085}.icon{font-size:40px;margin-bottom:8px}</style></head>
<body><div class="box" data-testid="phone-unavailable"><div class="icon">${CHAT_ICON}</div><h1>${escapeHtml(title.zh)}</h1><p>${escapeHtml(body.zh)}</p><h1>${escapeHtml(title.en)}</h1><p>${escapeHtml(body.en)}</p></div></body></html>`
}
