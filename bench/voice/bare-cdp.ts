// Chromium driven over the DevTools protocol with nothing enabled but what a benchmark asks for.
// Playwright enables the Network domain on every page, and Chromium then keeps a copy of every
// response body (and media load) for the inspector, up to 100s of MB: a memory benchmark driven
// by Playwright measures that buffer too (bench/voice/README.md). This driver opens one page and
// only evaluates script in it, forces GC and reads the renderer processes' RSS.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import WebSocket from 'ws'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../tests/utils/browser'
import { memBytes } from '../../tests/utils/proc'

/** Resident memory (MB) of a browser's renderer processes (JS heap, wasm memory, audio, DOM); `browserSend` is a browser-level CDP session's. */
export async function rendererProcessesMb(browserSend: (method: 'SystemInfo.getProcessInfo') => Promise<unknown>): Promise<number> {
  const { processInfo } = (await browserSend('SystemInfo.getProcessInfo')) as { processInfo: { type: string; id: number }[] }
  return processInfo.filter((p) => p.type === 'renderer').reduce((bytes, p) => bytes + memBytes(p.id, 'VmRSS'), 0) / 1048576
}

export interface BarePage {
  /** Evaluates `expression` in the page (awaiting a promise) and returns its JSON value. */
  evaluate<T>(expression: string): Promise<T>
  /** A CDP command to the page's session. */
  send(method: string, params?: object): Promise<any>
  /** Resident memory of all renderer processes (MB), after a GC in the page. */
  rendererMb(): Promise<number>
  close(): Promise<void>
}

export async function openBarePage(url: string, extraArgs: string[] = []): Promise<BarePage> {
  const profile = mkdtempSync(join(tmpdir(), 'bare-cdp-'))
  const chrome = spawn(
    CHROMIUM_PATH,
    [...CHROMIUM_ARGS, ...extraArgs, '--headless', '--remote-debugging-port=0', `--user-data-dir=${profile}`, 'about:blank'],
    {
      stdio: ['ignore', 'ignore', 'pipe']
    }
  )
  const wsUrl = await new Promise<string>((resolve, reject) => {
    let err = ''
    chrome.stderr.on('data', (d: Buffer) => {
      err += d.toString()
      const m = /DevTools listening on (ws:\S+)/.exec(err)
      if (m) resolve(m[1])
    })
    chrome.on('exit', (code) => reject(new Error(`chromium exited (${code}): ${err}`)))
  })
  const ws = new WebSocket(wsUrl, { perMessageDeflate: false, maxPayload: 256 << 20 })
  await new Promise((r, j) => ws.once('open', r).once('error', j))
  let nextId = 0
  const pending = new Map<number, { resolve(v: any): void; reject(e: Error): void }>()
  ws.on('message', (data) => {
    const msg = JSON.parse(data.toString())
    const p = msg.id !== undefined && pending.get(msg.id)
    if (!p) return
    pending.delete(msg.id)
    if (msg.error) p.reject(new Error(`${msg.error.message}`))
    else p.resolve(msg.result)
  })
  const raw = (method: string, params: object = {}, sessionId?: string) =>
    new Promise<any>((resolve, reject) => {
      const id = ++nextId
      pending.set(id, { resolve, reject })
      ws.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }))
    })
  const { targetId } = await raw('Target.createTarget', { url: 'about:blank' })
  // Only our page: the tab Chromium opened with would be counted among the renderers.
  const { targetInfos } = (await raw('Target.getTargets')) as { targetInfos: { targetId: string; type: string }[] }
  for (const t of targetInfos) if (t.type === 'page' && t.targetId !== targetId) await raw('Target.closeTarget', { targetId: t.targetId })
  const { sessionId } = await raw('Target.attachToTarget', { targetId, flatten: true })
  const send = (method: string, params: object = {}) => raw(method, params, sessionId)
  await send('Page.navigate', { url })
  const evaluate = async <T>(expression: string): Promise<T> => {
    const r = await send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true })
    if (r.exceptionDetails) throw new Error(r.exceptionDetails.exception?.description ?? r.exceptionDetails.text)
    return r.result.value as T
  }
  // Wait for the page to load.
  for (let i = 0; i < 600 && (await evaluate<string>('document.readyState').catch(() => '')) !== 'complete'; i++) await new Promise((r) => setTimeout(r, 100))
  return {
    evaluate,
    send,
    async rendererMb() {
      await send('HeapProfiler.collectGarbage')
      return rendererProcessesMb(raw)
    },
    async close() {
      await raw('Browser.close').catch(() => undefined)
      ws.close()
      await new Promise((r) => (chrome.exitCode !== null ? r(null) : chrome.once('exit', r)))
      rmSync(profile, { recursive: true, force: true })
    }
  }
}
