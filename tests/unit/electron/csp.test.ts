import { describe, expect, it, vi } from 'vitest'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { contentSecurityPolicy, installCsp, withCsp } from '../../../src-main/electron/csp'
import { rendererLocation } from '../../../src-main/electron/trust'

const rendererDir = resolve('/app/out/renderer')
const fileLoc = rendererLocation({ rendererDir })
const devLoc = rendererLocation({ rendererDir, devServerUrl: 'http://localhost:5173' })
const indexUrl = pathToFileURL(join(rendererDir, 'index.html')).href

const directives = (policy: string) => Object.fromEntries(policy.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]))

describe('contentSecurityPolicy', () => {
  it('allows scripts only from our own files in the built app', () => {
    const d = directives(contentSecurityPolicy(fileLoc))
    expect(d['default-src']).toEqual(["'self'"])
    expect(d['script-src']).toEqual(["'self'"])
    expect(d['style-src']).toEqual(["'self'", "'unsafe-inline'"])
    expect(d['img-src']).toEqual(["'self'", 'data:', 'blob:', 'https:'])
    expect(d['connect-src']).toEqual(["'self'", 'ws:', 'wss:', 'http://127.0.0.1:*', 'http://localhost:*'])
    expect(d['object-src']).toEqual(["'none'"])
    expect(d['base-uri']).toEqual(["'none'"])
    expect(contentSecurityPolicy(fileLoc)).not.toMatch(/unsafe-eval/)
  })
  it('allows the inline React refresh preamble only on the dev server', () => {
    expect(directives(contentSecurityPolicy(devLoc))['script-src']).toEqual(["'self'", "'unsafe-inline'"])
  })
})

describe('withCsp', () => {
  it('replaces any existing policy whatever its header case and keeps the other headers', () => {
    const out = withCsp({ 'content-security-policy': ['default-src *'], 'Content-Type': 'text/html' }, "default-src 'self'")
    expect(out).toEqual({ 'Content-Type': ['text/html'], 'Content-Security-Policy': ["default-src 'self'"] })
  })
})

describe('installCsp', () => {
  function capture(loc = fileLoc) {
    let listener: any
    const session = { webRequest: { onHeadersReceived: vi.fn((fn: unknown) => (listener = fn)) } }
    installCsp(session as any, loc)
    return (details: Record<string, unknown>) => {
      const callback = vi.fn()
      listener({ responseHeaders: {}, ...details }, callback)
      expect(callback).toHaveBeenCalledTimes(1)
      return callback.mock.calls[0][0]
    }
  }
  it('adds the policy to our documents', () => {
    const run = capture()
    expect(run({ url: indexUrl, resourceType: 'mainFrame' }).responseHeaders['Content-Security-Policy'][0]).toBe(contentSecurityPolicy(fileLoc))
    const dev = capture(devLoc)
    expect(dev({ url: 'http://localhost:5173/', resourceType: 'mainFrame' }).responseHeaders['Content-Security-Policy'][0]).toMatch(
      /script-src 'self' 'unsafe-inline'/
    )
  })
  it('leaves other responses untouched but always answers', () => {
    const run = capture()
    expect(run({ url: 'https://api.openai.com/v1/models', resourceType: 'xhr' })).toEqual({})
    expect(run({ url: `${indexUrl.replace('index.html', 'assets/app.js')}`, resourceType: 'script' })).toEqual({})
    expect(run({ url: 'https://evil.example/', resourceType: 'mainFrame' })).toEqual({})
  })
})
