// Settings → Kiosk's endpoints (kiosk.pin, kiosk.setPin, kiosk.resetPin) over REST against a real
// server and SQLite file: the admin PIN of the desktop kiosk window is set, changed only with the
// current PIN, refused when the current PIN is wrong (and locked after too many guesses), removed;
// only whether it is set ever comes back, never its hash; only admins may touch it. A forgotten PIN
// is reset without it: the owner confirms, a signed-in admin gives their password; the reset clears
// the wrong-PIN locks. Each change, reset and lock is in the audit log, without the PIN or its hash.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createContext } from '../../src-main/core/context'
import { dispatch } from '../../src-main/core/dispatch'
import { KIOSK_PIN_KEY, kioskPinService, MAX_PIN_ATTEMPTS, PIN_LOCK_MS, verifyPin } from '../../src-main/core/settings/kiosk-pin'
import type { AuditEntry } from '../../src-main/contract/accounts'
import { bootServer, type BootedServer } from '../utils/boot'

let s: BootedServer
beforeAll(async () => {
  s = await bootServer()
})
afterAll(async () => {
  await s?.close()
})

const stored = () => s.runtime.settings.raw.get<string | null>(KIOSK_PIN_KEY)
const put = (body: unknown) => s.api('PUT', '/api/kiosk/pin', body)
const reset = (body: unknown = {}) => s.api('POST', '/api/kiosk/pin/reset', body)
/** The audit log's kiosk entries, oldest first. */
const kioskAudit = async (server: BootedServer = s, opts: { token?: string } = {}): Promise<AuditEntry[]> =>
  ((await server.api('GET', '/api/audit?limit=500', undefined, opts)).body as AuditEntry[]).filter((e) => e.action.startsWith('kiosk.')).reverse()

describe('kiosk admin PIN', () => {
  test('set, change with the current PIN, refused without or with a wrong one, removed; the hash never comes back', async () => {
    expect((await s.api('GET', '/api/kiosk/pin')).body).toEqual({ set: false })

    // First PIN: no current one needed.
    const first = await put({ pin: '2468' })
    expect(first).toMatchObject({ status: 200, body: { set: true } })
    const hash = await stored()
    expect(hash).toMatch(/^scrypt\$/)
    expect(await verifyPin('2468', hash!)).toBe(true)
    const state = await s.api('GET', '/api/kiosk/pin')
    expect(state.body).toEqual({ set: true })
    for (const answer of [first, state]) expect(JSON.stringify(answer.body)).not.toContain(hash!.split('$').at(-1)!)

    // Changing it takes the current PIN…
    const missing = await put({ pin: '1357' })
    expect(missing.status).toBe(400)
    expect(missing.body.error).toMatchObject({
      reason: 'kiosk_pin_required',
      fields: [expect.objectContaining({ path: 'current', code: 'kiosk_pin_required' })]
    })
    // …the right one.
    const wrong = await put({ current: '0000', pin: '1357' })
    expect(wrong.status).toBe(403)
    expect(wrong.body.error).toMatchObject({ reason: 'kiosk_pin_wrong', fields: [expect.objectContaining({ path: 'current', code: 'kiosk_pin_wrong' })] })
    expect(JSON.stringify(wrong.body)).not.toContain(hash!.split('$').at(-1)!)
    expect(await stored()).toBe(hash)

    const changed = await put({ current: '2468', pin: '1357' })
    expect(changed).toMatchObject({ status: 200, body: { set: true } })
    expect(await verifyPin('1357', (await stored())!)).toBe(true)
    expect(await verifyPin('2468', (await stored())!)).toBe(false)

    // Removing it takes the current PIN too.
    expect((await put({ pin: null })).status).toBe(400)
    expect((await put({ current: '2468', pin: null })).status).toBe(403)
    const removed = await put({ current: '1357', pin: null })
    expect(removed).toMatchObject({ status: 200, body: { set: false } })
    expect(await stored()).toBeNull()
    expect((await s.api('GET', '/api/kiosk/pin')).body).toEqual({ set: false })
  })

  test('a PIN is 4 to 12 digits, said on its field with the contract’s code', async () => {
    for (const pin of ['123', '1234567890123', '12a4', ' 1234', 1234]) {
      const res = await put({ pin })
      expect(res.status, String(pin)).toBe(422)
      expect(res.body.error.fields).toEqual([expect.objectContaining({ path: 'pin', ...(typeof pin === 'string' && { code: 'kiosk_pin' }) })])
    }
    expect((await put({ pin: '1234', extra: true })).status).toBe(422)
    expect((await s.api('GET', '/api/kiosk/pin')).body).toEqual({ set: false })
  })

  test('only admins: a builder may neither read nor change it', async () => {
    const builder = createContext({ kind: 'user', userId: 'u1', name: 'Bo', role: 'builder', scopes: [], via: 'session' })
    await expect(dispatch(s.runtime, 'kiosk.pin', {}, builder)).rejects.toMatchObject({ code: 'forbidden' })
    await expect(dispatch(s.runtime, 'kiosk.setPin', { pin: '2468' }, builder)).rejects.toMatchObject({ code: 'forbidden' })
    expect(await stored()).toBeFalsy()
    expect((await s.api('GET', '/api/kiosk/pin', undefined, { token: null })).status).toBe(401)
  })

  test(`after ${MAX_PIN_ATTEMPTS} wrong current PINs every PIN is refused for a minute, then the right one works`, async () => {
    let now = 1_000_000
    const store = new Map<string, unknown>()
    const pins = kioskPinService({ get: async <T>(k: string) => store.get(k) as T, set: async (k, v) => void store.set(k, v) }, { now: () => now })
    await pins.update({ pin: '2468' })
    for (let i = 0; i < MAX_PIN_ATTEMPTS; i++) await expect(pins.update({ current: '0000', pin: '1111' })).rejects.toMatchObject({ code: 'forbidden' })
    // Locked: even the right PIN is refused, with how long to wait.
    await expect(pins.update({ current: '2468', pin: '1111' })).rejects.toMatchObject({
      code: 'too_many_requests',
      info: { reason: 'kiosk_pin_locked', params: { seconds: PIN_LOCK_MS / 1000 } }
    })
    now += PIN_LOCK_MS
    await expect(pins.update({ current: '2468', pin: '1111' })).resolves.toEqual({ set: true })
    // A right PIN clears the count: four more wrong ones do not lock it.
    for (let i = 0; i < MAX_PIN_ATTEMPTS - 1; i++) await expect(pins.update({ current: '0000', pin: '2222' })).rejects.toMatchObject({ code: 'forbidden' })
    await expect(pins.update({ current: '1111', pin: '2222' })).resolves.toEqual({ set: true })
  })

  test('a forgotten PIN: the owner resets it without it, which also ends the wrong-PIN locks of both doors; the audit log says who did what, never the PIN', async () => {
    await s.runtime.settings.raw.set(KIOSK_PIN_KEY, null)
    const before = (await kioskAudit()).length
    // Nothing to reset is not an error.
    expect(await reset()).toMatchObject({ status: 200, body: { set: false } })

    expect((await put({ pin: '4321' })).status).toBe(200)
    for (let i = 0; i < MAX_PIN_ATTEMPTS; i++) expect((await put({ current: '0000', pin: '1111' })).status).toBe(403)
    const locked = await put({ current: '4321', pin: '1111' })
    expect(locked.status).toBe(429)
    expect(locked.body.error.reason).toBe('kiosk_pin_locked')
    // The kiosk window's exit prompt is locked too, by guesses there.
    const exit = s.runtime.kioskPin.exitGuard
    for (let i = 0; i < MAX_PIN_ATTEMPTS; i++) await exit.wrong()
    expect(exit.lockedFor()).toBeGreaterThan(0)
    const hash = (await stored())!

    const done = await reset({})
    expect(done).toMatchObject({ status: 200, body: { set: false } })
    expect(await stored()).toBeNull()
    expect(exit.lockedFor()).toBe(0)
    // No lock left: a new PIN, then changing it with that PIN, work at once.
    expect((await put({ pin: '8642' })).status).toBe(200)
    expect((await put({ current: '8642', pin: '9753' })).status).toBe(200)
    expect((await put({ current: '9753', pin: null })).status).toBe(200)

    const entries = (await kioskAudit()).slice(before)
    expect(entries.map((e) => [e.action, e.actorName])).toEqual([
      ['kiosk.pinReset', 'owner'],
      ['kiosk.pinSet', 'owner'],
      ['kiosk.pinLocked', 'owner'],
      ['kiosk.pinLocked', 'kiosk'],
      ['kiosk.pinReset', 'owner'],
      ['kiosk.pinSet', 'owner'],
      ['kiosk.pinChanged', 'owner'],
      ['kiosk.pinRemoved', 'owner']
    ])
    const text = JSON.stringify(entries)
    for (const secret of ['4321', '8642', '9753', hash.split('$').at(-1)!]) expect(text).not.toContain(secret)
    expect((await reset({ password: 'x', pin: '1234' })).status).toBe(422)
  })
})

describe('kiosk PIN reset with accounts on', () => {
  let team: BootedServer
  const pw = 'correct horse battery'
  const session = { admin: '', builder: '' }
  beforeAll(async () => {
    team = await bootServer({ host: 'electron', accounts: { enabled: true, loginLimit: { window: 60, max: 100 } } })
    const cookie = (res: { headers: Headers }) => /agenta_session=([^;]*)/.exec(res.headers.get('set-cookie') ?? '')?.[1] ?? ''
    session.admin = cookie(await team.api('POST', '/api/auth/setup', { name: 'Ada', email: 'ada@example.com', password: pw }, { token: null }))
    await team.api('POST', '/api/users', { name: 'Bob', email: 'bob@example.com', password: pw, role: 'builder' }, { token: session.admin })
    session.builder = cookie(await team.api('POST', '/api/auth/login', { email: 'bob@example.com', password: pw }, { token: null }))
  })
  afterAll(async () => {
    await team?.close()
  })

  test('an admin re-enters their account password; a wrong one is refused on the field and locked after a few; a builder may not', async () => {
    const asAdmin = { token: session.admin }
    expect((await team.api('PUT', '/api/kiosk/pin', { pin: '2468' }, asAdmin)).status).toBe(200)
    const resetAs = (body: unknown, token: string) => team.api('POST', '/api/kiosk/pin/reset', body, { token })

    const missing = await resetAs({}, session.admin)
    expect(missing.status).toBe(400)
    expect(missing.body.error).toMatchObject({ reason: 'kiosk_reset_password_required', fields: [expect.objectContaining({ path: 'password' })] })
    const wrong = await resetAs({ password: 'not my password' }, session.admin)
    expect(wrong.status).toBe(403)
    expect(wrong.body.error).toMatchObject({
      reason: 'kiosk_reset_password_wrong',
      fields: [expect.objectContaining({ path: 'password', code: 'kiosk_reset_password_wrong' })]
    })
    expect((await resetAs({ password: pw }, session.builder)).status).toBe(403)
    expect(await team.runtime.settings.raw.get(KIOSK_PIN_KEY)).toMatch(/^scrypt\$/)

    const done = await resetAs({ password: pw }, session.admin)
    expect(done).toMatchObject({ status: 200, body: { set: false } })
    expect(await team.runtime.settings.raw.get(KIOSK_PIN_KEY)).toBeNull()

    // Guessing the password: locked after a few, like the PIN.
    for (let i = 0; i < MAX_PIN_ATTEMPTS; i++) expect((await resetAs({ password: `guess ${i}` }, session.admin)).status).toBe(403)
    const locked = await resetAs({ password: pw }, session.admin)
    expect(locked.status).toBe(429)
    expect(locked.body.error).toMatchObject({ reason: 'kiosk_reset_locked', params: { seconds: PIN_LOCK_MS / 1000 } })

    const entries = await kioskAudit(team, asAdmin)
    expect(entries.map((e) => [e.action, e.actorName])).toEqual([
      ['kiosk.pinSet', 'Ada'],
      ['kiosk.pinReset', 'Ada'],
      ['kiosk.resetLocked', 'Ada']
    ])
    expect(JSON.stringify(entries)).not.toContain(pw)
  })
})
