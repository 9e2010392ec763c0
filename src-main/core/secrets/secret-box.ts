import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { chmodSync, existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { tightenMode } from '../data-dir'

/**
 * Encrypts secrets (API keys) before they reach the store. The desktop host passes one backed by
 * Electron safeStorage (the OS keychain); headless hosts use a key file readable only by the owner.
 */
export interface SecretBox {
  readonly kind: string
  encrypt(plain: string): string
  decrypt(sealed: string): string
}

const PREFIX = 'kf1:'

/** AES-256-GCM with a random 32-byte key kept in `keyFile` (mode 0600). */
export function keyFileSecretBox(keyFile: string): SecretBox {
  const key = loadOrCreateKey(keyFile)
  return {
    kind: 'keyfile',
    encrypt(plain) {
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', key, iv)
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
      return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')
    },
    decrypt(sealed) {
      if (!sealed.startsWith(PREFIX)) throw new Error('This secret was sealed by another key store')
      const raw = Buffer.from(sealed.slice(PREFIX.length), 'base64')
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12))
      decipher.setAuthTag(raw.subarray(12, 28))
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')
    }
  }
}

function loadOrCreateKey(keyFile: string): Buffer {
  if (existsSync(keyFile)) {
    // A key file others can read (an older version, a copy) is made private again.
    tightenMode(keyFile, 0o600)
    const key = Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64')
    if (key.length !== 32) throw new Error(`The key file ${keyFile} is damaged (expected 32 bytes)`)
    return key
  }
  mkdirSync(dirname(keyFile), { recursive: true, mode: 0o700 })
  const key = randomBytes(32)
  // 'wx' fails if another process created it first; then use theirs so both agree.
  try {
    writeFileSync(keyFile, key.toString('base64'), { mode: 0o600, flag: 'wx' })
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return loadOrCreateKey(keyFile)
    throw err
  }
  chmodSync(keyFile, 0o600)
  return key
}

/** Shown instead of a key: enough to tell two keys apart, useless to an onlooker. */
export function secretHint(plain: string): string {
  return plain.length <= 8 ? '••••' : `${plain.slice(0, 3)}…${plain.slice(-4)}`
}
