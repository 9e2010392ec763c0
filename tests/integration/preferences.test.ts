// Each person's own language and theme (accounts on): a member changes theirs without touching
// the studio settings or anyone else's; the studio settings stay admin-only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bootServer, type BootedServer } from '../utils/boot'

let s: BootedServer
const pw = 'correct horse battery'
const token: Record<'mia' | 'max', string> = { mia: '', max: '' }

async function signIn(email: string) {
  const res = await s.api('POST', '/api/auth/login', { email, password: pw }, { token: null })
  expect(res.status).toBe(200)
  return /agenta_session=([^;]*)/.exec(res.headers.get('set-cookie') ?? '')![1]!
}

beforeAll(async () => {
  s = await bootServer({ accounts: { enabled: true, loginLimit: { window: 60, max: 100 } } })
  await s.runtime.settings.update({ language: 'en', theme: 'light' })
  await s.runtime.accounts.addUser({ name: 'Mia', email: 'mia@example.com', password: pw, role: 'member' })
  await s.runtime.accounts.addUser({ name: 'Max', email: 'max@example.com', password: pw, role: 'member' })
  token.mia = await signIn('mia@example.com')
  token.max = await signIn('max@example.com')
})
afterAll(() => s?.close())

describe('my preferences', () => {
  it('start empty: the studio settings apply', async () => {
    const mine = await s.api('GET', '/api/me/preferences', undefined, { token: token.mia })
    expect(mine.status).toBe(200)
    expect(mine.body).toEqual({ language: null, theme: null })
  })

  it('a member switches to Chinese and dark; another member still has English and light', async () => {
    const put = await s.api('PUT', '/api/me/preferences', { language: 'zh-CN', theme: 'dark' }, { token: token.mia })
    expect(put.status).toBe(200)
    expect(put.body).toEqual({ language: 'zh-CN', theme: 'dark' })
    expect((await s.api('GET', '/api/me/preferences', undefined, { token: token.mia })).body).toEqual({ language: 'zh-CN', theme: 'dark' })
    // Max: nothing of his own, and the studio's settings unchanged.
    expect((await s.api('GET', '/api/me/preferences', undefined, { token: token.max })).body).toEqual({ language: null, theme: null })
    expect((await s.api('GET', '/api/settings', undefined, { token: token.max })).body).toMatchObject({ language: 'en', theme: 'light' })
    // One field at a time keeps the other; null goes back to the studio's.
    expect((await s.api('PUT', '/api/me/preferences', { theme: null }, { token: token.mia })).body).toEqual({ language: 'zh-CN', theme: null })
  })

  it('a member still cannot change the studio settings (403), nor name someone else in the request', async () => {
    const global = await s.api('PUT', '/api/settings', { language: 'zh-CN' }, { token: token.mia })
    expect(global.status).toBe(403)
    expect((await s.runtime.settings.get()).language).toBe('en')
    const foreign = await s.api('PUT', '/api/me/preferences', { language: 'en', userId: 'someone-else' }, { token: token.mia })
    expect(foreign.status).toBe(422)
  })

  it('wrong values are refused with the field named; nobody signed in gets 401', async () => {
    const bad = await s.api('PUT', '/api/me/preferences', { language: 'fr' }, { token: token.mia })
    expect(bad.status).toBe(422)
    expect(bad.body.error.fields[0]).toMatchObject({ path: 'language' })
    expect((await s.api('GET', '/api/me/preferences', undefined, { token: null })).status).toBe(401)
  })

  it('the owner (the server token) has none of their own and is sent to the studio settings', async () => {
    expect((await s.api('GET', '/api/me/preferences')).body).toEqual({ language: null, theme: null })
    const put = await s.api('PUT', '/api/me/preferences', { language: 'en' })
    expect(put.status).toBe(400)
    expect(put.body.error.reason).toBe('preferences_need_person')
  })
})
