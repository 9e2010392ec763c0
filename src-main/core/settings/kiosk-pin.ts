// The kiosk admin PIN: the only way out of the desktop kiosk window (electron/kiosk-window.ts), set
// there on first open or in Settings → Kiosk (the `kiosk.pin` / `kiosk.setPin` endpoints). Only its
// scrypt hash is stored; nothing here ever returns it. One rule for the PIN (contract/kiosk.ts
// KioskPin) and one guard against guessing, used by both doors.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto'
import { AppError } from '../../contract/errors'
import type { KioskPinState, KioskPinUpdate } from '../../contract/kiosk'
import { KeyedMutex } from '../../base/keyed-mutex'
import type { KeyedLock } from '../coordination/types'

/** Where the PIN's scrypt hash is kept (runtime.settings.raw); the PIN itself is never stored. null: removed. */
export const KIOSK_PIN_KEY = 'kiosk.adminPin'
/** Wrong PINs in a row before the PIN is refused for a minute (someone guessing). */
export const MAX_PIN_ATTEMPTS = 5
export const PIN_LOCK_MS = 60_000

// scrypt's cost: ~50 ms on a small kiosk box, too slow to try every 4–6 digit PIN from a stolen settings file quickly.
const SCRYPT: ScryptOptions = { N: 1 << 15, r: 8, p: 1, maxmem: 64 << 20 }
const KEY_LENGTH = 32

const scryptKey = (pin: string, salt: Buffer, opts: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) => scrypt(pin, salt, KEY_LENGTH, opts, (err, key) => (err ? reject(err) : resolve(key))))

/** `scrypt$N$r$p$salt$key` (base64), so the cost can be raised later without breaking stored PINs. */
export async function hashPin(pin: string): Promise<string> {
  const salt = randomBytes(16)
  const key = await scryptKey(pin, salt, SCRYPT)
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64'), key.toString('base64')].join('$')
}

export async function verifyPin(pin: string, stored: string): Promise<boolean> {
  const [kind, n, r, p, salt, key] = stored.split('$')
  if (kind !== 'scrypt' || !salt || !key) return false
  const expected = Buffer.from(key, 'base64')
  const got = await scryptKey(pin, Buffer.from(salt, 'base64'), { N: Number(n), r: Number(r), p: Number(p), maxmem: 256 << 20 }).catch(() => null)
  return !!got && got.length === expected.length && timingSafeEqual(got, expected)
}

/**
 * Counts wrong PINs in a row: after MAX_PIN_ATTEMPTS the PIN is refused for PIN_LOCK_MS, right or
 * wrong, so guessing 4 digits takes days. In memory, per door and per process: a restart forgets it
 * (the scrypt cost still slows a guesser down).
 */
export class PinGuard {
  private wrongs = 0
  private lockedUntil = 0
  constructor(private readonly now: () => number = Date.now) {}

  /** Milliseconds until PINs are accepted again; 0: not locked. */
  lockedFor(): number {
    return Math.max(0, this.lockedUntil - this.now())
  }

  wrong(): void {
    if (++this.wrongs >= MAX_PIN_ATTEMPTS) {
      this.wrongs = 0
      this.lockedUntil = this.now() + PIN_LOCK_MS
    }
  }

  right(): void {
    this.wrongs = 0
  }
}

export interface PinStore {
  get<T>(key: string): Promise<T | undefined>
  set(key: string, value: unknown): Promise<void>
}

const currentField = (code: 'kiosk_pin_required' | 'kiosk_pin_wrong' | 'kiosk_pin_locked', message: string, params?: { seconds: number }) => ({
  reason: code,
  ...(params && { params }),
  fields: [{ path: 'current', code, ...(params && { params }), message }]
})

/** Settings → Kiosk: whether a PIN is set, and setting, changing or removing it (the current PIN first). */
export function kioskPinService(store: PinStore, opts: { locks?: KeyedLock; now?: () => number } = {}) {
  const locks = opts.locks ?? new KeyedMutex()
  const guard = new PinGuard(opts.now)
  const stored = async () => (await store.get<string | null>(KIOSK_PIN_KEY)) || null

  return {
    async state(): Promise<KioskPinState> {
      return { set: !!(await stored()) }
    },

    /** Sets a first PIN; changing or removing one takes the current PIN. Never returns the hash. */
    update: (input: KioskPinUpdate): Promise<KioskPinState> =>
      locks.run(KIOSK_PIN_KEY, async () => {
        const hash = await stored()
        if (hash) {
          const locked = guard.lockedFor()
          if (locked > 0) {
            const seconds = Math.ceil(locked / 1000)
            const message = `Too many wrong PINs: try again in ${seconds} s`
            throw new AppError('too_many_requests', message, undefined, currentField('kiosk_pin_locked', message, { seconds }))
          }
          if (!input.current) {
            const message = 'Enter the current PIN to change or remove it'
            throw new AppError('bad_request', message, undefined, currentField('kiosk_pin_required', message))
          }
          if (!(await verifyPin(input.current, hash))) {
            guard.wrong()
            const message = 'The current PIN is wrong'
            throw new AppError('forbidden', message, undefined, currentField('kiosk_pin_wrong', message))
          }
          guard.right()
        }
        await store.set(KIOSK_PIN_KEY, input.pin === null ? null : await hashPin(input.pin))
        return { set: input.pin !== null }
      })
  }
}
export type KioskPinService = ReturnType<typeof kioskPinService>
