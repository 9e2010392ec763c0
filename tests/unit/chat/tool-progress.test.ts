import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import type { ToolProgress } from '../../../src-main/contract/chat'
import { throttledProgress } from '../../../src-main/core/chat/tool-progress'

describe("a tool call's progress on its way to the clients", () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  const step = (progress: number): ToolProgress => ({ progress, total: 10_000 })

  test('a burst of reports goes out as the first at once and the newest after the interval', () => {
    const sent: number[] = []
    const p = throttledProgress((r) => sent.push(r.progress), 100)
    for (let i = 1; i <= 10_000; i++) p.report(step(i))
    expect(sent).toEqual([1])
    vi.advanceTimersByTime(100)
    expect(sent).toEqual([1, 10_000])
    vi.advanceTimersByTime(1_000)
    expect(sent).toEqual([1, 10_000])
  })

  test('reports further apart than the interval all go out, each when it comes', () => {
    const sent: number[] = []
    const p = throttledProgress((r) => sent.push(r.progress), 100)
    for (let i = 1; i <= 3; i++) {
      p.report(step(i))
      vi.advanceTimersByTime(150)
    }
    expect(sent).toEqual([1, 2, 3])
  })

  test('nothing goes out once the call is over (its result comes after)', () => {
    const sent: number[] = []
    const p = throttledProgress((r) => sent.push(r.progress), 100)
    p.report(step(1))
    p.report(step(2))
    p.end()
    vi.advanceTimersByTime(1_000)
    expect(sent).toEqual([1])
  })
})
