// Settings → Kiosk's endpoints (kiosk.pin, kiosk.setPin) over REST against a real server and SQLite
// file: the admin PIN of the desktop kiosk window is set, changed only with the current PIN, refused
// when the current PIN is wrong (and locked after too many guesses), removed; only whether it is set
// ever comes back, never its hash; only admins may touch it.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createContext } from '../../src-main/core/context'
import { dispatch } from '../../src-main/core/dispatch'
import { KIOSK_PIN_KEY, kioskPinService, MAX_PIN_ATTEMPTS, PIN_LOCK_MS, verifyPin } from '../../src-main/core/settings/kiosk-pin'
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
})
