import { describe, expect, it } from 'vitest'
import { IdempotencyKeys } from '../../../src-main/server/openai/idempotency'

describe('IdempotencyKeys', () => {
  it('the same key and body is a repeat; another caller’s same key is its own', () => {
    const keys = new IdempotencyKeys()
    expect(keys.claim('studio', 'k', { a: 1 }).first).toBe(true)
    expect(keys.claim('studio', 'k', { a: 1 }).first).toBe(false)
    expect(keys.claim('key:pk_1', 'k', { a: 1 }).first).toBe(true)
  })

  it('the same key with another body is refused with the reason', () => {
    const keys = new IdempotencyKeys()
    keys.claim('studio', 'k', { a: 1 })
    expect(() => keys.claim('studio', 'k', { a: 2 })).toThrow(/already used for a different request/)
  })

  it('a released key (nothing ran) may run again', () => {
    const keys = new IdempotencyKeys()
    keys.claim('studio', 'k', {}).release()
    expect(keys.claim('studio', 'k', {}).first).toBe(true)
  })

  it('over the cap, the oldest finished answers go; a running one is kept', () => {
    const keys = new IdempotencyKeys(3_600_000, 2)
    keys.claim('s', 'a', {})
    keys.claim('s', 'b', {}).recording.end()
    keys.claim('s', 'c', {}).recording.end()
    keys.claim('s', 'd', {})
    expect(keys.claim('s', 'a', {}).first).toBe(false)
    expect(keys.claim('s', 'b', {}).first).toBe(true)
  })

  it('expired keys go', () => {
    const keys = new IdempotencyKeys(-1)
    keys.claim('s', 'a', {}).recording.end()
    expect(keys.claim('s', 'a', {}).first).toBe(true)
  })

  it('a key longer than 255 characters is refused', () => {
    expect(() => new IdempotencyKeys().claim('s', 'x'.repeat(256), {})).toThrow(/255/)
  })
})
