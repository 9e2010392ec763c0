import { describe, expect, it } from 'vitest'
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { keyFileSecretBox, secretHint } from '../../src-main/core/secrets/secret-box'
import { tempDir } from '../utils/boot'

describe('key-file secret box (headless hosts)', () => {
  it('round-trips, seals differently each time, and keeps its key file private', () => {
    const file = join(tempDir(), 'nested', 'secret.key')
    const box = keyFileSecretBox(file)
    const a = box.encrypt('sk-live-密钥')
    const b = box.encrypt('sk-live-密钥')
    expect(a).not.toBe(b)
    expect(a).not.toContain('sk-live')
    expect(box.decrypt(a)).toBe('sk-live-密钥')
    expect(statSync(file).mode & 0o777).toBe(0o600)
    // A second process on the same data folder reads the same key.
    expect(keyFileSecretBox(file).decrypt(b)).toBe('sk-live-密钥')
  })

  it('refuses tampered ciphertext and a different key', () => {
    const dir = tempDir()
    const box = keyFileSecretBox(join(dir, 'k'))
    const sealed = box.encrypt('secret')
    const raw = Buffer.from(sealed.slice(4), 'base64')
    raw[raw.length - 1] ^= 1
    expect(() => box.decrypt('kf1:' + raw.toString('base64'))).toThrow()
    expect(() => keyFileSecretBox(join(dir, 'other')).decrypt(sealed)).toThrow()
  })

  it('says so when the key file is damaged', () => {
    const file = join(tempDir(), 'k')
    writeFileSync(file, 'short')
    expect(() => keyFileSecretBox(file)).toThrow(/damaged/)
    expect(readFileSync(file, 'utf8')).toBe('short') // never overwritten: that would lose every key
  })

  it('hints without revealing', () => {
    expect(secretHint('sk-abcdefghijkl')).toBe('sk-…ijkl')
    expect(secretHint('short')).toBe('••••')
  })
})
