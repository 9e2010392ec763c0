/**
 * A push queue read as an async iterable: the producer never waits, the consumer reads at its own
 * pace. One consumer; `end()` finishes the iteration once the queue is drained.
 */
export class EventQueue<T> implements AsyncIterable<T> {
  private readonly items: T[] = []
  private waiting: ((r: IteratorResult<T>) => void) | null = null
  private ended = false

  push(item: T): void {
    if (this.ended) return
    if (this.waiting) {
      const w = this.waiting
      this.waiting = null
      w({ value: item, done: false })
    } else this.items.push(item)
  }

  end(): void {
    this.ended = true
    if (this.waiting && !this.items.length) {
      const w = this.waiting
      this.waiting = null
      w({ value: undefined as never, done: true })
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => {
        if (this.items.length) return Promise.resolve({ value: this.items.shift()!, done: false })
        if (this.ended) return Promise.resolve({ value: undefined as never, done: true })
        return new Promise((resolve) => (this.waiting = resolve))
      },
      return: () => {
        this.ended = true
        this.items.length = 0
        return Promise.resolve({ value: undefined as never, done: true })
      }
    }
  }
}
