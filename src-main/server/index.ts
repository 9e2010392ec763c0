import express, { type NextFunction, type Request, type Response } from 'express'
import { createServer, type Server as HttpServer } from 'node:http'
import type { Duplex } from 'node:stream'
import { networkInterfaces } from 'node:os'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { Server as IoServer } from 'socket.io'
import { createAdapter } from '@socket.io/redis-adapter'
import type { ServerStatus } from '../contract/entities'
import type { Runtime } from '../core/runtime'
import { ChatAccess } from './chat/access'
import { attachControlSocket } from './chat/control-socket'
import { chatProtocolRouter } from './chat/protocol-routes'
import { studioTurnRouter } from './chat/studio-turn'
import { errorHandler, notFound, requestId } from './errors'
import { wholeBody } from './whole-body'
import { endpoints, streams } from '../contract/api'
import { filesRouter } from './files'
import { openApiDocument } from './openapi'
import { openAiRouter } from './openai/routes'
import { redisRecordings } from './openai/recordings-redis'
import { openAiErrorHandler } from './openai/errors'
import { restRouter } from './rest'
import { knowledgeUploadRouter } from './knowledge/upload'
import { digitalHumanFilesRouter } from './digital-humans'
import { backupFilesRouter } from './backup-files'
import { bearerChallenge, hostAllowed, hostCheck, isLoopback, securityHeaders, tokenToCookie } from './security'
import { ssoRouter } from './sso'
import { Authenticator } from './auth'
import { attachStudioSocket } from './studio-socket'
import { mcpRouter } from './mcp/router'
import { webRouter } from './web'
import { speechRouter } from './speech/router'
import { answerMalformedHttp, refuseConnect } from './malformed-http'
import { readiness } from './readiness'

export interface ServerOptions {
  /** 127.0.0.1 unless the user opens the LAN (0.0.0.0). */
  host: string
  /** 0 picks a free port (tests). */
  port: number
  token: string
  /** The built renderer (out/renderer); the studio is served at / when it exists. */
  rendererDir?: string
  /** Extra Host names to answer to besides loopback, IP literals and this machine's name. */
  allowedHosts?: string[]
  /** Largest JSON body accepted. */
  bodyLimit?: string
}

export interface RunningServer {
  url: string
  port: number
  host: string
  token: string
  http: HttpServer
  io: IoServer
  status(): ServerStatus
  /** Shutdown, first step: no new connections; what is under way goes on. */
  stopAccepting(): Promise<void>
  close(): Promise<void>
}

export function lanAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((a) => a && a.family === 'IPv4' && !a.internal)
    .map((a) => a!.address)
}

/**
 * The studio routes with the URL's hash (`/#/agents`), so its page lives at `/` alone; every other
 * path is an API, a file or nothing, and answers so in JSON. In particular OAuth discovery
 * (`/.well-known/…`, `/authorize`, `/register`) must not get a page that looks like a yes.
 */
const PAGE_PATHS = ['/', '/index.html']

const READ = ['GET', 'HEAD']
/** The methods each fixed path answers to (the API's own router says so for /api, the OpenAI router for /v1). */
function allowedMethods(path: string): string[] | undefined {
  const p = path.toLowerCase().replace(/\/+$/, '') || '/'
  if (p === '/mcp') return ['POST']
  if (p === '/chat-init' || p === '/chat-message' || p === '/speech/synthesize' || p === '/speech/transcribe') return ['POST', 'OPTIONS']
  if (
    p === '/healthz' ||
    p === '/readyz' ||
    p === '/api/openapi.json' ||
    p === '/embed.js' ||
    /^\/(chat|kiosk)\/[^/]+$/.test(p) ||
    /^\/kiosk\/[^/]+\/avatar-model$/.test(p) ||
    /^\/files\/excel\/[^/]+$/.test(p)
  )
    return READ
  if (PAGE_PATHS.includes(p)) return READ
  return undefined
}

/**
 * MCP clients with OAuth support (mcp-remote, the Inspector) probe these after a 401; the SDK puts
 * our answer in the error it shows, so it says what to do instead.
 */
function oauthHint(path: string): string | undefined {
  if (/^\/(\.well-known\/(oauth-|openid)|register$|authorize$|token$)/i.test(path))
    return 'this server does not use OAuth; send the studio token (or an agent key) as "Authorization: Bearer <token>"'
  return undefined
}

export async function startServer(runtime: Runtime, opts: ServerOptions): Promise<RunningServer> {
  const allowedHosts = opts.allowedHosts ?? []
  const app = express()
  app.disable('x-powered-by')
  app.set('query parser', 'simple')
  // Who calls: the server's token (the owner), a person's session or token (accounts on), or nobody.
  const auth = new Authenticator(runtime, opts.token, allowedHosts)
  const authed = auth.identify(true)
  const identified = auth.identify(false)
  app.use(requestId)
  app.use(securityHeaders)
  app.use(bearerChallenge)
  app.use(hostCheck(allowedHosts))

  app.get('/healthz', (_req, res) => {
    res.json({ ok: true })
  })
  app.get('/readyz', readiness(runtime))
  app.get('/api/openapi.json', (req, res) => {
    // The Host header passed hostCheck, so the address it names is one of ours.
    res.json(openApiDocument(`${req.protocol}://${req.get('host')}`))
  })
  const bodyLimit = opts.bodyLimit ?? '2mb'
  // Outside clients (widgets, phones, OpenAI SDKs) use a published agent's key instead of the token.
  const access = new ChatAccess(runtime, opts.token, auth)
  app.use(chatProtocolRouter(runtime, access, { bodyLimit }))
  // Idempotency-Key recordings, shared by a team server's processes through Redis.
  const recordings = runtime.coordination.redis ? redisRecordings(runtime.coordination.redis) : undefined
  app.use('/v1', openAiRouter(runtime, access, { bodyLimit, recordings }))
  // Text → audio and audio → text with the server's keys (kiosk, phone page, studio previews).
  app.use(speechRouter(runtime, access))
  // Single sign-on (accounts on, `--oidc-*`): redirects to the provider and back.
  app.use(ssoRouter(runtime))
  // Multipart uploads stream to disk, so they are routed before the JSON body parser and its limit.
  app.use('/api', identified, knowledgeUploadRouter(runtime))
  app.use('/api', identified, digitalHumanFilesRouter(runtime))
  // A backup archive to download, or one uploaded to restore (raw body, any size).
  app.use('/api', identified, backupFilesRouter(runtime))
  // A turn may carry attachments (up to 5 × 5 MB, base64): its body limit is its own.
  app.use(streams['chat.turn'].path, express.json({ limit: '40mb' }))
  // An agent bundle carries its knowledge documents (capped at 25 MB, base64): its own limit too.
  app.use(endpoints['agents.importBundle'].path, express.json({ limit: '40mb' }))
  app.use('/api', express.json({ limit: bodyLimit }), wholeBody, studioTurnRouter(runtime), restRouter(runtime))
  // Agents as MCP tools for other MCP clients (streamable HTTP), behind the same token.
  app.use('/mcp', authed, mcpRouter(runtime, { bodyLimit }))

  app.use('/files', authed, filesRouter(runtime.dataDir))

  // Public pages for phones and websites (published agents only): /chat/<uuid> and /embed.js.
  app.use(webRouter(runtime, { rendererDir: opts.rendererDir }))

  // The studio's HTML and scripts hold no data; the app asks for the token when the API says 401.
  app.use(tokenToCookie(opts.token))
  if (opts.rendererDir && existsSync(join(opts.rendererDir, 'index.html'))) {
    const dir = opts.rendererDir
    app.use(express.static(dir, { index: false, maxAge: '1h' }))
    // Browsers ask for it on every page; the studio has none, and "none" is not an error.
    app.get('/favicon.ico', (_req, res) => void res.status(204).end())
    app.get(PAGE_PATHS, (_req, res) => {
      res.setHeader('Cache-Control', 'no-cache')
      res.sendFile(join(dir, 'index.html'))
    })
  } else {
    app.get('/', (_req, res) => {
      res.type('text/plain').send('Agenta Studio server is running. The studio UI is not built: run `npm run build`.')
    })
  }
  app.use(notFound(allowedMethods, oauthHint))
  // OpenAI clients read OpenAI's error shape, also for what fails before /v1's router (a foreign Host).
  app.use((err: unknown, req: Request, res: Response, next: NextFunction) =>
    (req.path === '/v1' || req.path.startsWith('/v1/') ? openAiErrorHandler : errorHandler)(err, req, res, next)
  )

  const http = createServer(app)
  // Requests Node cannot parse never reach Express: they get the JSON error shape too, not an empty 400.
  http.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => answerMalformedHttp(err, socket))
  http.on('connect', (_req, socket: Duplex) => refuseConnect(socket))
  // Socket.IO: polling is closed to foreign browser origins except those a published agent lists.
  const io = new IoServer(http, {
    serveClient: false,
    maxHttpBufferSize: 1e6,
    cors: { origin: access.socketCors },
    // DNS rebinding, for every namespace (the control socket too): checked on each Engine.IO request.
    allowRequest: (req, done) => done(null, hostAllowed(req.headers.host, allowedHosts))
  })
  // Team server: a socket held by another process is reached through Redis (a client function, a wait).
  const redis = runtime.coordination.redis
  const adapterClients = redis ? [redis.connect(), redis.connect()] : []
  if (redis) io.adapter(createAdapter(adapterClients[0], adapterClients[1], { key: `${redis.prefix}socket.io` }))
  const closeAdapter = () => Promise.all(adapterClients.map((c) => redis?.close(c)))
  const unsubscribe = attachStudioSocket(io, runtime, auth, allowedHosts)
  const detachControl = attachControlSocket(io, runtime, access)

  try {
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject)
      http.listen(opts.port, opts.host, () => {
        http.off('error', reject)
        resolve()
      })
    })
  } catch (err) {
    // Nothing may outlive a failed start: the caller may retry on another port.
    unsubscribe()
    detachControl()
    access.close()
    io.close()
    await closeAdapter()
    await recordings?.close()
    throw err
  }
  const port = (http.address() as { port: number }).port
  const shownHost = opts.host === '0.0.0.0' || opts.host === '::' ? '127.0.0.1' : opts.host.includes(':') ? `[${opts.host}]` : opts.host
  const url = `http://${shownHost}:${port}`
  const lan = !isLoopback(opts.host)
  const status = (): ServerStatus => ({
    running: true,
    url,
    lanUrls: lan ? lanAddresses().map((a) => `http://${a}:${port}`) : [],
    token: opts.token,
    error: null
  })

  let drained: Promise<void> | undefined
  let closing: Promise<void> | undefined
  /** Stops listening and drops idle keep-alive connections; requests under way (streaming turns) go on. */
  const stopAccepting = (): Promise<void> => {
    drained ??= new Promise<void>((resolve) => http.close(() => resolve()))
    return Promise.resolve()
  }
  return {
    url,
    port,
    host: opts.host,
    token: opts.token,
    http,
    io,
    status,
    stopAccepting,
    /** Stops accepting (if not yet), then ends every socket and connection still open. */
    close() {
      closing ??= (async () => {
        void stopAccepting()
        unsubscribe()
        detachControl()
        access.close()
        io.close()
        await closeAdapter()
        await recordings?.close()
        // Open keep-alive sockets must not hold shutdown.
        http.closeAllConnections()
        await drained
      })()
      return closing
    }
  }
}
