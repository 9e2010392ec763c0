import { afterEach, describe, expect, it, vi } from 'vitest'
import { existsSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { keyFileSecretBox } from '../../../src-main/core/secrets/secret-box'
import { safeStorageSecretBox, type SafeStorageLike } from '../../../src-main/electron/secret-box'
import { tempDir } from '../../utils/boot'

/** A stand-in for Electron's safeStorage: reversible, but visibly not the plain text. */
function fakeSafeStorage(opts: { available?: boolean; backend?: string } = {}) {
  const state = { available: opts.available ?? true }
  const storage: SafeStorageLike & { state: typeof state } = {
    state,
    isEncryptionAvailable: vi.fn(() => state.available),
    encryptString: vi.fn((plain: string) => {
      if (!state.available) throw new Error('Encryption is not available.')
      return Buffer.from(`KEYCHAIN(${[...plain].reverse().join('')})`, 'utf8')
    }),
    decryptString: vi.fn((sealed: Buffer) => {
      const m = /^KEYCHAIN\((.*)\)$/s.exec(sealed.toString('utf8'))
      if (!m) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.')
      return [...m[1]].reverse().join('')
    }),
    getSelectedStorageBackend: vi.fn(() => opts.backend ?? 'gnome_libsecret')
  }
  return storage
}

const dirs: string[] = []
const keyFileIn = () => {
  const d = tempDir('agenta-ss-')
  dirs.push(d)
  return join(d, 'secret.key')
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

describe('safeStorageSecretBox', () => {
  it('seals with the keychain (ss1:) and reads it back, without creating a key file', () => {
    const keyFile = keyFileIn()
    const ss = fakeSafeStorage()
    const box = safeStorageSecretBox({ safeStorage: ss, keyFile, platform: 'linux', log: () => {} })
    expect(box.kind).toBe('safeStorage')
    const sealed = box.encrypt('sk-secret-123 密钥')
    expect(sealed.startsWith('ss1:')).toBe(true)
    expect(sealed).not.toContain('sk-secret-123')
    expect(box.decrypt(sealed)).toBe('sk-secret-123 密钥')
    expect(ss.encryptString).toHaveBeenCalledWith('sk-secret-123 密钥')
    expect(existsSync(keyFile)).toBe(false)
  })

  it('falls back to the key file when the keychain is unavailable, and says so', () => {
    const keyFile = keyFileIn()
    const log = vi.fn()
    const ss = fakeSafeStorage({ available: false })
    const box = safeStorageSecretBox({ safeStorage: ss, keyFile, platform: 'linux', log })
    expect(box.kind).toBe('keyfile')
    expect(log).toHaveBeenCalledTimes(1)
    expect(log.mock.calls[0][0]).toMatch(/not available.*key file/)
    const sealed = box.encrypt('sk-abc')
    expect(sealed.startsWith('kf1:')).toBe(true)
    expect(ss.encryptString).not.toHaveBeenCalled()
    expect(existsSync(keyFile)).toBe(true)
    expect(box.decrypt(sealed)).toBe('sk-abc')
  })

  it('treats Linux basic_text (a constant key) as unavailable', () => {
    const box = safeStorageSecretBox({ safeStorage: fakeSafeStorage({ backend: 'basic_text' }), keyFile: keyFileIn(), platform: 'linux', log: () => {} })
    expect(box.kind).toBe('keyfile')
    expect(box.encrypt('x').startsWith('kf1:')).toBe(true)
    // The backend only exists on Linux; elsewhere it is not asked.
    const mac = fakeSafeStorage({ backend: 'basic_text' })
    expect(safeStorageSecretBox({ safeStorage: mac, keyFile: keyFileIn(), platform: 'darwin', log: () => {} }).kind).toBe('safeStorage')
    expect(mac.getSelectedStorageBackend).not.toHaveBeenCalled()
  })

  it('reads values sealed by the key file (fallback or agenta serve) once the keychain works', () => {
    const keyFile = keyFileIn()
    const fromServe = keyFileSecretBox(keyFile).encrypt('sk-from-serve')
    const box = safeStorageSecretBox({ safeStorage: fakeSafeStorage(), keyFile, platform: 'linux', log: () => {} })
    expect(box.kind).toBe('safeStorage')
    expect(box.decrypt(fromServe)).toBe('sk-from-serve')
  })

  it('reads keychain values sealed earlier while falling back now, if the keychain answers', () => {
    const keyFile = keyFileIn()
    const ss = fakeSafeStorage()
    const sealed = safeStorageSecretBox({ safeStorage: ss, keyFile, platform: 'linux', log: () => {} }).encrypt('sk-1')
    // The app started before the keyring was unlocked…
    ss.state.available = false
    const box = safeStorageSecretBox({ safeStorage: ss, keyFile, platform: 'linux', log: () => {} })
    expect(box.kind).toBe('keyfile')
    expect(() => box.decrypt(sealed)).toThrow(/keychain.*not available/)
    // …and the keyring was unlocked later.
    ss.state.available = true
    expect(box.decrypt(sealed)).toBe('sk-1')
  })

  it('refuses values from an unknown store and tampered key-file values', () => {
    const keyFile = keyFileIn()
    const box = safeStorageSecretBox({ safeStorage: fakeSafeStorage(), keyFile, platform: 'win32', log: () => {} })
    expect(() => box.decrypt('plain-text-key')).toThrow(/unknown key store/)
    const sealed = keyFileSecretBox(keyFile).encrypt('sk-2')
    const tampered = sealed.slice(0, -4) + (sealed.endsWith('AAAA') ? 'BBBB' : 'AAAA')
    expect(() => box.decrypt(tampered)).toThrow()
  })
})
