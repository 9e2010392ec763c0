import { describe, expect, it, vi } from 'vitest'
import { ClientHub } from '../../../src-main/core/chat/client-hub'
import { WaitRegistry } from '../../../src-main/core/chat/waits'

describe('client hub waits', () => {
  it('ends a wait of a client that disconnects at once instead of after the timeout', async () => {
    const waits = new WaitRegistry()
    const hub = new ClientHub(waits)
    const sent: unknown[] = []
    hub.connect('sock1', (ev, p) => sent.push([ev, p]))
    // The clock is faked and never advanced: the wait can only end through the disconnect.
    vi.useFakeTimers()
    try {
      const outcome = hub.waitOn('sock1', { timeoutMs: 60_000, start: (id) => hub.send('sock1', 'wait_for_input', { wait_id: id }) })
      hub.disconnect('sock1')
      expect(await outcome).toEqual({ status: 'cancelled' })
    } finally {
      vi.useRealTimers()
    }
    expect(sent).toHaveLength(1)
    expect(waits.size).toBe(0)
  })

  it('delivers an answer and forgets the wait', async () => {
    const waits = new WaitRegistry()
    const hub = new ClientHub(waits)
    hub.connect('s', () => {})
    let id = ''
    const outcome = hub.waitOn('s', { start: (w) => (id = w) })
    expect(waits.answer(id, { ok: 1 })).toBe(true)
    expect(await outcome).toEqual({ status: 'answered', data: { ok: 1 } })
    expect(waits.answer(id, {})).toBe(false)
  })
})
