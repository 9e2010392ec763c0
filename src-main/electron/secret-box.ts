import { keyFileSecretBox, type SecretBox } from '../core/secrets/secret-box'
import { log as appLog } from '../base/log'

/** The part of Electron's safeStorage used here; structural so tests can pass a fake. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean
  encryptString(plain: string): Buffer
  decryptString(sealed: Buffer): string
  getSelectedStorageBackend?(): string
}

export interface SafeStorageBoxOptions {
  safeStorage: SafeStorageLike
  /** Fallback key file (in the data folder), the same one `agenta serve` uses. */
  keyFile: string
  platform?: NodeJS.Platform
  log?: (message: string) => void
}

const PREFIX = 'ss1:'
const KEY_FILE_PREFIX = 'kf1:'

/**
 * Seals secrets with the OS keychain (Keychain, DPAPI, libsecret/kwallet) when it is usable, and
 * otherwise with the key-file box. Reading accepts both prefixes, so keys saved while the keychain
 * was missing (or by `agenta serve` on the same data folder) stay readable after it appears, and
 * nothing has to be re-entered when the situation changes.
 *
 * Call after app 'ready': before it, safeStorage reports itself unavailable on Linux and Windows.
 */
export function safeStorageSecretBox(opts: SafeStorageBoxOptions): SecretBox {
  const { safeStorage } = opts
  const log = opts.log ?? ((m: string) => appLog.warn({ detail: m }, 'secret storage'))
  const usable = keychainUsable(safeStorage, opts.platform ?? process.platform)
  if (!usable.ok) log(`OS keychain encryption is not available (${usable.reason}); API keys are encrypted with the key file ${opts.keyFile} instead.`)

  // The key file is created only when needed: with a working keychain, an extra key on disk is
  // just one more secret to protect.
  let keyBox: SecretBox | undefined
  const keyFile = () => (keyBox ??= keyFileSecretBox(opts.keyFile))

  return {
    kind: usable.ok ? 'safeStorage' : 'keyfile',
    encrypt(plain) {
      if (!usable.ok) return keyFile().encrypt(plain)
      return PREFIX + safeStorage.encryptString(plain).toString('base64')
    },
    decrypt(sealed) {
      if (sealed.startsWith(KEY_FILE_PREFIX)) return keyFile().decrypt(sealed)
      if (!sealed.startsWith(PREFIX)) throw new Error('This secret was sealed by an unknown key store')
      // Asked each time, not only at start: a keyring can be unlocked while the app runs.
      if (!safeStorage.isEncryptionAvailable()) {
        throw new Error('This secret was sealed with the OS keychain, which is not available now; unlock the keyring or enter the key again')
      }
      return safeStorage.decryptString(Buffer.from(sealed.slice(PREFIX.length), 'base64'))
    }
  }
}

function keychainUsable(safeStorage: SafeStorageLike, platform: NodeJS.Platform): { ok: true } | { ok: false; reason: string } {
  if (!safeStorage.isEncryptionAvailable()) return { ok: false, reason: 'no keyring found' }
  // Linux without a secret service reports "available" with the basic_text backend, whose key is a
  // constant compiled into Chromium: a random key file with mode 0600 protects more than that.
  if (platform === 'linux' && safeStorage.getSelectedStorageBackend?.() === 'basic_text') {
    return { ok: false, reason: 'only the basic_text backend, whose key is not secret' }
  }
  return { ok: true }
}
