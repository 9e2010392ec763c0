/** A lock that was still held after the wait the caller allowed (in memory or in Redis). */
export class LockTimeout extends Error {
  constructor(key: string, waitMs: number) {
    super(`Lock "${key}" was still held by someone else after ${waitMs} ms`)
    this.name = 'LockTimeout'
  }
}

/**
 * Runs tasks one after another per key, different keys in parallel: turns of one chat session,
 * writes to one vector collection, syncs of one knowledge source.
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<unknown>>()

  /**
   * `waitMs: 0` only tries: it rejects with LockTimeout when the key is busy (the same answer the
   * Redis lock gives a held key). Other waits are unbounded here: every holder is in this process.
   */
  run<T>(key: string, task: () => Promise<T>, opts?: { waitMs?: number }): Promise<T> {
    if (opts?.waitMs === 0 && this.tails.has(key)) return Promise.reject(new LockTimeout(key, 0))
    const previous = this.tails.get(key) ?? Promise.resolve()
    const result = previous.then(task, task)
    const tail = result.catch(() => undefined)
    this.tails.set(key, tail)
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key)
    })
    return result
  }

  /** Something runs or waits under this key. */
  busy(key: string): boolean {
    return this.tails.has(key)
  }

  /** Resolves when every task queued so far has finished. */
  async idle(): Promise<void> {
    while (this.tails.size) await Promise.all([...this.tails.values()])
  }
}
