// The kiosk admin PIN: the only way out of the desktop kiosk window (electron/kiosk-window.ts), set
// there on first open or in Settings → Kiosk (the `kiosk.pin` / `kiosk.setPin` / `kiosk.resetPin`
// endpoints, and `agenta kiosk reset-pin`). Only its scrypt hash is stored; nothing here ever
// returns it. One rule for the PIN (contract/kiosk.ts KioskPin) and one guard against guessing,
// used by both doors. Every change, reset and lock goes to the audit log (never the PIN or its hash).
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto'
import { AppError } from '../../contract/errors'
import type { KioskAuditAction, KioskPinReset, KioskPinState, KioskPinUpdate } from '../../contract/kiosk'
import { KeyedMutex } from '../../base/keyed-mutex'
import type { AuditActor, AuditNote } from '../accounts/audit'
import { actorOf, OWNER, type Principal } from '../context'
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
  constructor(
    private readonly now: () => number = Date.now,
    /** Called when wrong attempts lock it (the audit log). */
    private readonly onLock?: () => Promise<void>
  ) {}

  /** Milliseconds until PINs are accepted again; 0: not locked. */
  lockedFor(): number {
    return Math.max(0, this.lockedUntil - this.now())
  }

  async wrong(): Promise<void> {
    if (++this.wrongs >= MAX_PIN_ATTEMPTS) {
      this.wrongs = 0
      this.lockedUntil = this.now() + PIN_LOCK_MS
      await this.onLock?.()
    }
  }

  right(): void {
    this.wrongs = 0
  }

  /** A reset: the count and the lock go. */
  clear(): void {
    this.wrongs = 0
    this.lockedUntil = 0
  }
}

export interface PinStore {
  get<T>(key: string): Promise<T | undefined>
  set(key: string, value: unknown): Promise<void>
}

type LockCode = 'kiosk_pin_locked' | 'kiosk_reset_locked'
type FieldCode = 'kiosk_pin_required' | 'kiosk_pin_wrong' | 'kiosk_reset_password_required' | 'kiosk_reset_password_wrong' | LockCode

const onField = (path: 'current' | 'password', code: FieldCode, message: string, params?: { seconds: number }) => ({
  reason: code,
  ...(params && { params }),
  fields: [{ path, code, ...(params && { params }), message }]
})

function refuseIfLocked(guard: PinGuard, path: 'current' | 'password', code: LockCode, what: string): void {
  const locked = guard.lockedFor()
  if (locked <= 0) return
  const seconds = Math.ceil(locked / 1000)
  const message = `Too many wrong ${what}: try again in ${seconds} s`
  throw new AppError('too_many_requests', message, undefined, onField(path, code, message, { seconds }))
}

/** Who stands at the kiosk window's exit prompt: nobody signed in, so the audit log names the door. */
export const KIOSK_VISITOR: AuditActor = { id: 'kiosk', name: 'kiosk' }

export interface KioskPinOptions {
  locks?: KeyedLock
  now?: () => number
  audit?: AuditNote
  /** A signed-in person's password check (accounts on; null: they have none, single sign-on only). */
  checkPassword?: (userId: string, password: string) => Promise<boolean | null>
}

/**
 * Settings → Kiosk: whether a PIN is set; setting, changing or removing it (the current PIN first);
 * and the reset for a forgotten PIN, which takes proof of being the owner or an admin instead.
 */
export function kioskPinService(store: PinStore, opts: KioskPinOptions = {}) {
  const locks = opts.locks ?? new KeyedMutex()
  const note = (actor: AuditActor, action: KioskAuditAction) => opts.audit?.(actor, action) ?? Promise.resolve()
  let lastActor: AuditActor = KIOSK_VISITOR
  // Settings' door: the lock is recorded against whoever made the last wrong attempt.
  const guard = new PinGuard(opts.now, () => note(lastActor, 'kiosk.pinLocked'))
  /** The kiosk window's exit prompt (electron/kiosk-window.ts), its own door: a visitor there is not the admin in Settings. */
  const exitGuard = new PinGuard(opts.now, () => note(KIOSK_VISITOR, 'kiosk.pinLocked'))
  const passwordGuard = new PinGuard(opts.now, () => note(lastActor, 'kiosk.resetLocked'))
  const stored = async () => (await store.get<string | null>(KIOSK_PIN_KEY)) || null

  /**
   * Proof for a reset without the PIN. The owner (the person at the desktop, or whoever holds the
   * server's own token or runs the CLI on its data) may: the studio asks them to confirm. A
   * signed-in person (accounts on, an admin by the endpoint's access) re-enters their password:
   * a session left open on some browser must not be enough to unlock the kiosk.
   */
  async function proveReset(principal: Principal, password: string | undefined): Promise<void> {
    if (principal.kind !== 'user') return
    refuseIfLocked(passwordGuard, 'password', 'kiosk_reset_locked', 'passwords')
    if (!password) {
      const message = 'Enter your account password to reset the PIN'
      throw new AppError('bad_request', message, undefined, onField('password', 'kiosk_reset_password_required', message))
    }
    const ok = opts.checkPassword ? await opts.checkPassword(principal.userId, password) : null
    if (ok === null) {
      const message = 'Your account has no password (single sign-on): reset the PIN on the desktop, or with `agenta kiosk reset-pin` where the data is'
      throw new AppError('forbidden', message, undefined, { reason: 'kiosk_reset_no_password' })
    }
    if (!ok) {
      await passwordGuard.wrong()
      const message = 'Your password is wrong'
      throw new AppError('forbidden', message, undefined, onField('password', 'kiosk_reset_password_wrong', message))
    }
    passwordGuard.right()
  }

  return {
    exitGuard,

    async state(): Promise<KioskPinState> {
      return { set: !!(await stored()) }
    },

    /** Sets a first PIN; changing or removing one takes the current PIN. Never returns the hash. */
    update: (input: KioskPinUpdate, actor: AuditActor = actorOf(OWNER)): Promise<KioskPinState> =>
      locks.run(KIOSK_PIN_KEY, async () => {
        const hash = await stored()
        if (hash) {
          refuseIfLocked(guard, 'current', 'kiosk_pin_locked', 'PINs')
          if (!input.current) {
            const message = 'Enter the current PIN to change or remove it'
            throw new AppError('bad_request', message, undefined, onField('current', 'kiosk_pin_required', message))
          }
          if (!(await verifyPin(input.current, hash))) {
            lastActor = actor
            await guard.wrong()
            const message = 'The current PIN is wrong'
            throw new AppError('forbidden', message, undefined, onField('current', 'kiosk_pin_wrong', message))
          }
          guard.right()
        }
        await store.set(KIOSK_PIN_KEY, input.pin === null ? null : await hashPin(input.pin))
        await note(actor, input.pin === null ? 'kiosk.pinRemoved' : hash ? 'kiosk.pinChanged' : 'kiosk.pinSet')
        return { set: input.pin !== null }
      }),

    /**
     * A forgotten PIN: removed without it (the next kiosk window, or Settings, asks for a new one),
     * and the wrong-PIN locks of both doors cleared. `actor` names a door with no principal of its own (the CLI).
     */
    reset: (input: KioskPinReset, principal: Principal, actor: AuditActor = actorOf(principal)): Promise<KioskPinState> =>
      locks.run(KIOSK_PIN_KEY, async () => {
        lastActor = actor
        await proveReset(principal, input.password)
        await store.set(KIOSK_PIN_KEY, null)
        guard.clear()
        exitGuard.clear()
        await note(actor, 'kiosk.pinReset')
        return { set: false }
      })
  }
}
export type KioskPinService = ReturnType<typeof kioskPinService>
