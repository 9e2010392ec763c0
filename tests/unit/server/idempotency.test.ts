import { describe, expect, it } from 'vitest'
import { IdempotencyKeys } from '../../../src-main/server/openai/idempotency'

describe('IdempotencyKeys', () => {
  it('the same key and body is a repeat; another caller’s same key is its own', async () => {
    const keys = new IdempotencyKeys()
    expect((await keys.claim('studio', 'k', { a: 1 })).first).toBe(true)
    expect((await keys.claim('studio', 'k', { a: 1 })).first).toBe(false)
    expect((await keys.claim('key:pk_1', 'k', { a: 1 })).first).toBe(true)
  })

  it('the same key with another body is refused with the reason', async () => {
    const keys = new IdempotencyKeys()
    await keys.claim('studio', 'k', { a: 1 })
    await expect(keys.claim('studio', 'k', { a: 2 })).rejects.toThrow(/already used for a different request/)
  })

  it('a released key (nothing ran) may run again, and a retry already waiting on it is answered', async () => {
    const keys = new IdempotencyKeys()
    const first = await keys.claim('studio', 'k', {})
    const waiting = await keys.claim('studio', 'k', {})
    first.release()
    expect(waiting.recording.ended).toBe(true)
    expect((await keys.claim('studio', 'k', {})).first).toBe(true)
  })

  it('over the cap, the oldest finished answers go; a running one is kept', async () => {
    const keys = new IdempotencyKeys(3_600_000, 2)
    await keys.claim('s', 'a', {})
    ;(await keys.claim('s', 'b', {})).recording.end()
    ;(await keys.claim('s', 'c', {})).recording.end()
    await keys.claim('s', 'd', {})
    expect((await keys.claim('s', 'a', {})).first).toBe(false)
    expect((await keys.claim('s', 'b', {})).first).toBe(true)
  })

  it('expired keys go', async () => {
    const keys = new IdempotencyKeys(-1)
    ;(await keys.claim('s', 'a', {})).recording.end()
    expect((await keys.claim('s', 'a', {})).first).toBe(true)
  })

  it('a key longer than 255 characters is refused', async () => {
    await expect(new IdempotencyKeys().claim('s', 'x'.repeat(256), {})).rejects.toThrow(/255/)
  })
})
