import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Router, type Response } from 'express'
import { AppError } from '../../contract/errors'
import type { Runtime } from '../../core/runtime'
import { log } from '../../base/log'
import { tokensEqual } from '../security'
import { EMBED_SCRIPT } from './embed-script'
import { DEFAULT_KIOSK_IDLE_SECONDS, kioskConfig, messagePage, phoneConfig, renderPhonePage } from './pages'

export interface WebOptions {
  /** The built renderer (out/renderer) with phone.html; without it the page says so. */
  rendererDir?: string
}

const normalOrigin = (o: string) => o.trim().toLowerCase().replace(/\/+$/, '')

/**
 * The public pages' CSP: the server's own, except that the agent's allowed origins may frame the
 * phone page (the embed widget), and the kiosk may talk to its LiveTalking service (`connect`
 * origins) and compile WebAssembly (its voice activity detector runs on onnxruntime-web's wasm,
 * loaded from our own /vad/; no eval of JavaScript).
 */
function pageCsp(frameAncestors: string[], opts: { wasm?: boolean; connect?: string[] } = {}): string {
  return [
    "default-src 'self'",
    // The kiosk and the phone page play synthesized speech from blob: URLs (digitalhuman/audio/clip-url.ts).
    "media-src 'self' blob:",
    opts.wasm ? "script-src 'self' 'wasm-unsafe-eval'" : "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob: https:",
    `connect-src ${["'self'", ...(opts.connect ?? [])].join(' ')}`,
    "font-src 'self' data:",
    `frame-ancestors ${["'self'", ...frameAncestors].join(' ')}`,
    "base-uri 'none'",
    "form-action 'self'",
    "object-src 'none'"
  ].join('; ')
}

function sendMessagePage(res: Response, status: number, kind: 'unavailable' | 'key' | 'unbuilt') {
  const text = {
    unavailable: [
      { en: 'This agent is not available', zh: '这个智能体暂不可用' },
      { en: 'It does not exist, or it has not been published yet. Ask whoever shared this link.', zh: '它不存在或尚未发布，请联系分享此链接的人。' }
    ],
    key: [
      { en: 'This link has expired', zh: '此链接已失效' },
      { en: "The agent's key was replaced. The website that embeds it needs the new snippet.", zh: '智能体的公钥已更换，嵌入它的网站需要更新代码。' }
    ],
    unbuilt: [
      { en: 'The chat page is not built', zh: '聊天页面尚未构建' },
      { en: 'Run `npm run build` on the server, then reload.', zh: '请在服务器上运行 `npm run build` 后刷新。' }
    ]
  }[kind]
  res.status(status).setHeader('Cache-Control', 'no-store').type('html').send(messagePage(text[0], text[1]))
}

/**
 * Public pages for LAN clients and websites, no studio token: `/chat/<uuid>` (the phone chat page
 * of a published agent, also the embed widget's iframe) and `/embed.js`. An unpublished or unknown
 * agent gets the same "not available" page, so the page does not tell which agents exist.
 */
export function webRouter(runtime: Runtime, opts: WebOptions = {}): Router {
  const router = Router()
  const templates = new Map<string, Promise<string | null>>()
  const pageTemplate = (file: 'phone.html' | 'kiosk.html') => {
    // Read once; a missing build is retried on the next request (someone may build meanwhile).
    let t = templates.get(file)
    if (!t) {
      t = opts.rendererDir
        ? readFile(join(opts.rendererDir, file), 'utf8').catch(() => {
            templates.delete(file)
            return null
          })
        : Promise.resolve(null)
      templates.set(file, t)
    }
    return t
  }
  const publishedAgent = (uuid: string) =>
    runtime.agents.get(uuid).then(
      (agent) => (agent.published ? agent : null),
      (err: unknown) => {
        if (err instanceof AppError && (err.code === 'not_found' || err.code === 'validation_failed')) return null
        throw err
      }
    )

  router.get('/embed.js', (_req, res) => {
    res.setHeader('Content-Type', 'text/javascript; charset=utf-8')
    res.setHeader('Cache-Control', 'public, max-age=300')
    // Loaded by other sites' pages: it must be allowed to cross origins.
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin')
    res.send(EMBED_SCRIPT)
  })

  // The widget asks before it frames the phone page: a refused frame only shows the browser's
  // "refused to connect", so the site owner would never learn why. Always 200 with a verdict
  // (the question was answered); CORS-open because it is asked from the embedding site.
  router.get('/embed/check/:uuid', async (req, res) => {
    res.setHeader('Access-Control-Allow-Origin', '*')
    res.setHeader('Cache-Control', 'no-store')
    const origin = typeof req.headers.origin === 'string' ? normalOrigin(req.headers.origin) : null
    const agent = await publishedAgent(req.params.uuid)
    if (!agent) return res.json({ ok: false, reason: 'unavailable', origin })
    const key = typeof req.query.key === 'string' ? req.query.key : ''
    if (!tokensEqual(key, agent.publicKey)) return res.json({ ok: false, reason: 'key', origin })
    // Same-origin requests carry no Origin header for GET; the studio's own origin may always frame.
    if (origin && !agent.allowedOrigins.map(normalOrigin).includes(origin)) {
      log.info({ agent: agent.uuid, origin }, 'embed refused for an origin not allowed')
      return res.json({ ok: false, reason: 'origin', origin })
    }
    res.json({ ok: true })
  })

  router.get('/chat/:uuid', async (req, res) => {
    const agent = await publishedAgent(req.params.uuid)
    if (!agent) return sendMessagePage(res, 404, 'unavailable')
    const key = typeof req.query.key === 'string' ? req.query.key : undefined
    if (key !== undefined && !tokensEqual(key, agent.publicKey)) return sendMessagePage(res, 403, 'key')
    const html = await pageTemplate('phone.html')
    if (!html) return sendMessagePage(res, 503, 'unbuilt')
    const ancestors = agent.allowedOrigins.map(normalOrigin)
    res.setHeader('Content-Security-Policy', pageCsp(ancestors))
    // X-Frame-Options cannot list origins; frame-ancestors above says who may frame the page.
    if (ancestors.length) res.removeHeader('X-Frame-Options')
    res.setHeader('Cache-Control', 'no-store')
    res.type('html').send(renderPhonePage(html, phoneConfig(agent, req.query.embed === '1')))
  })

  // The kiosk: a full-screen avatar that speaks and listens (a hall screen, any LAN browser).
  router.get('/kiosk/:uuid', async (req, res) => {
    const agent = await publishedAgent(req.params.uuid)
    if (!agent) return sendMessagePage(res, 404, 'unavailable')
    const html = await pageTemplate('kiosk.html')
    if (!html) return sendMessagePage(res, 503, 'unbuilt')
    const idle = Number(req.query.idle)
    const idleSeconds = Number.isInteger(idle) && idle >= 1 && idle <= 3600 ? idle : DEFAULT_KIOSK_IDLE_SECONDS
    const avatar = await runtime.digitalHumans.resolve(agent.digitalHuman?.chatAvatarId)
    const service = avatar.kind === 'livetalking' && avatar.liveTalking ? [new URL(avatar.liveTalking.url).origin] : []
    res.setHeader('Content-Security-Policy', pageCsp([], { wasm: true, connect: service }))
    res.setHeader('Cache-Control', 'no-store')
    res.type('html').send(renderPhonePage(html, kioskConfig(agent, avatar, idleSeconds)))
  })

  // The chat avatar's GLB/VRM for the kiosk page: only that published agent's own avatar file.
  router.get('/kiosk/:uuid/avatar-model', async (req, res) => {
    const agent = await publishedAgent(req.params.uuid)
    const avatar = agent && (await runtime.digitalHumans.resolve(agent.digitalHuman?.chatAvatarId))
    const file = avatar?.id ? await runtime.digitalHumans.modelFile(avatar.id) : null
    if (!file) throw new AppError('not_found', 'This agent has no 3D avatar file')
    res.setHeader('Cache-Control', 'no-cache')
    res.setHeader('Content-Type', 'model/gltf-binary')
    res.sendFile(file.path, { dotfiles: 'allow' })
  })

  return router
}
