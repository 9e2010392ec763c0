// Sentences in, their speech out in order: synthesis of the next sentence runs while the current
// one plays, a failed sentence still comes out (as text, for subtitles: nothing said is lost),
// and cancel() on barge-in aborts what is in flight. Pure TypeScript: core or renderer.

export interface SpeechItem<A> {
  index: number
  text: string
  /** The synthesized audio; absent when synthesis failed (see `error`). */
  audio?: A
  error?: unknown
}

export type Synthesize<A> = (text: string, signal: AbortSignal) => Promise<A>

export interface SpeechQueueOptions {
  /** Sentences synthesized ahead of the one being played (default 1). */
  ahead?: number
}

export class SpeechQueue<A> implements AsyncIterable<SpeechItem<A>> {
  private readonly texts: string[] = []
  private readonly jobs = new Map<number, Promise<SpeechItem<A>>>()
  private readonly abort = new AbortController()
  private readonly ahead: number
  private next = 0
  private ended = false
  private wake: (() => void) | undefined

  constructor(
    private readonly synthesize: Synthesize<A>,
    opts: SpeechQueueOptions = {}
  ) {
    this.ahead = Math.max(0, opts.ahead ?? 1)
  }

  /** A sentence to speak after the ones before it. */
  push(text: string): void {
    if (this.ended || this.abort.signal.aborted) return
    this.texts.push(text)
    this.fill()
    this.poke()
  }

  /** No more sentences: iteration finishes after the last one. */
  end(): void {
    this.ended = true
    this.poke()
  }

  /** Barge-in: abort synthesis in flight, drop what is queued, finish iteration. */
  cancel(): void {
    this.abort.abort()
    this.ended = true
    this.poke()
  }

  get cancelled(): boolean {
    return this.abort.signal.aborted
  }

  async *[Symbol.asyncIterator](): AsyncIterator<SpeechItem<A>> {
    while (!this.cancelled) {
      if (this.next < this.texts.length) {
        this.fill()
        const item = await this.jobs.get(this.next)!
        if (this.cancelled) return
        this.jobs.delete(this.next)
        this.next++
        this.fill()
        yield item
      } else if (this.ended) return
      else await new Promise<void>((resolve) => (this.wake = resolve))
    }
  }

  private fill(): void {
    const last = Math.min(this.texts.length - 1, this.next + this.ahead)
    for (let i = this.next; i <= last; i++) {
      if (this.jobs.has(i)) continue
      const text = this.texts[i]
      const job = this.synthesize(text, this.abort.signal).then(
        (audio) => ({ index: i, text, audio }),
        (error: unknown) => ({ index: i, text, error })
      )
      this.jobs.set(i, job)
    }
  }

  private poke(): void {
    const wake = this.wake
    this.wake = undefined
    wake?.()
  }
}
