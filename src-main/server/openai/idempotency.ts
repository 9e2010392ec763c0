import { createHash } from 'node:crypto'
import type { Request, Response } from 'express'
import { AppError } from '../../contract/errors'
import { openSse } from '../chat/sse'

/** A final JSON answer, as sent. */
export interface JsonAnswer {
  status: number
  headers: Record<string, string>
  body: unknown
}

/**
 * What one /v1 request answered (a JSON body, or the frames of its stream), kept so that a retry
 * carrying the same Idempotency-Key gets the same answer, live if the first is still running.
 */
export class Recording {
  readonly frames: unknown[] = []
  answer: JsonAnswer | undefined
  ended = false
  private waiters = new Set<() => void>()
  /** Where a team server's other processes read it (SharedRecordings); set for the request that runs the turn. */
  mirror: { frame(f: unknown): void; end(answer: JsonAnswer | undefined): void } | undefined

  frame(f: unknown) {
    if (this.ended) return
    this.frames.push(f)
    this.mirror?.frame(f)
    this.wake()
  }

  end(answer?: JsonAnswer) {
    if (this.ended) return
    this.answer = answer
    this.ended = true
    this.mirror?.end(answer)
    this.wake()
  }

  private wake() {
    for (const w of this.waiters) w()
    this.waiters.clear()
  }

  private changed(): Promise<void> {
    return new Promise((resolve) => this.waiters.add(resolve))
  }

  /** Sends the recorded answer to a retry: the JSON once it is there, or the frames as they come. */
  async replay(req: Request, res: Response, stream: boolean): Promise<void> {
    if (!stream) {
      while (!this.ended) await this.changed()
      const a = this.answer ?? {
        status: 500,
        headers: {},
        body: { error: { message: 'The first request ended without an answer', type: 'server_error', param: null, code: null } }
      }
      return void res.status(a.status).set(a.headers).json(a.body)
    }
    const sse = openSse(req, res)
    let sent = 0
    for (;;) {
      while (sent < this.frames.length && !sse.signal.aborted) sse.data(this.frames[sent++])
      if (this.ended || sse.signal.aborted) break
      await this.changed()
    }
    sse.end()
  }
}

interface Entry {
  fingerprint: string
  recording: Recording
  at: number
  /** Settles once the shared store has said whose the key is (rejects when another request took it). */
  ready: Promise<void>
}

/**
 * Where the processes of a team server meet over their recordings (Redis, `recordings-redis.ts`):
 * the first process to claim a key runs the turn and mirrors what it answers; a retry that lands on
 * another process replays it from there. A lone process (the desktop) has none.
 */
export interface SharedRecordings {
  /** Takes the key (`first`), or says the fingerprint of the request that took it. */
  claim(id: string, fingerprint: string, ttlMs: number): Promise<{ first: true } | { first: false; fingerprint: string }>
  /** The claimer's frames and final answer, in order. */
  frame(id: string, f: unknown): void
  end(id: string, answer: JsonAnswer | undefined): void
  /** Nothing ran: the key is free again. */
  release(id: string): void
  /** What is recorded from frame `from` on; null when the key is gone (released, expired). */
  read(id: string, from: number): Promise<{ frames: unknown[]; ended: boolean; answer?: JsonAnswer } | null>
  close(): Promise<void>
}

/** How often a retry on another process looks for the recording's next frames. */
export const SHARED_POLL_MS = 100

/**
 * Idempotency-Key for /v1: clients that retry (openai-node, LangChain) would otherwise run a whole
 * agent turn (and its tools, with their side effects) once per attempt. Keys are scoped to the
 * caller (the studio token or one agent's key) and kept an hour (clients retry within minutes),
 * at most `max` of them, since a recording holds a whole answer.
 */
export class IdempotencyKeys {
  private entries = new Map<string, Entry>()

  constructor(
    private readonly ttlMs = 3600_000,
    private readonly max = 500,
    private readonly shared?: SharedRecordings
  ) {}

  /**
   * The recording for this key: `first` when this request is the one to run (and record) the turn.
   * The same key with another body is refused: it is a client bug, not a retry. On a team server
   * the key is claimed across processes, so a retry landing on another one replays this recording.
   */
  async claim(scope: string, key: string, body: unknown): Promise<{ recording: Recording; first: boolean; release(): void }> {
    if (key.length > 255)
      throw new AppError('validation_failed', 'Invalid request: Idempotency-Key: at most 255 characters', {
        issues: [{ path: 'Idempotency-Key', message: 'too long' }]
      })
    this.sweep()
    // Hashed: the scope may be an agent's key, which must not sit in Redis key names.
    const id = createHash('sha256').update(`${scope}\u0000${key}`).digest('base64url')
    const fingerprint = createHash('sha256').update(JSON.stringify(body)).digest('base64url')
    const known = this.entries.get(id)
    if (known) {
      await known.ready
      if (known.fingerprint !== fingerprint) throw reused()
      return { recording: known.recording, first: false, release: () => undefined }
    }
    const entry: Entry = { fingerprint, recording: new Recording(), at: Date.now(), ready: Promise.resolve() }
    this.entries.set(id, entry)
    const forget = () => {
      if (this.entries.get(id) === entry) this.entries.delete(id)
    }
    let first = true
    if (this.shared) {
      const shared = this.shared
      const taking = shared.claim(id, fingerprint, this.ttlMs)
      entry.ready = taking.then((t) => {
        if (!t.first && t.fingerprint !== fingerprint) throw reused()
      })
      // Requests of this process with the same key wait on `ready` above; they see the same outcome.
      entry.ready.catch(() => undefined)
      let taken: Awaited<typeof taking>
      try {
        taken = await taking
        await entry.ready
      } catch (err) {
        forget()
        entry.recording.end()
        throw err
      }
      if (taken.first) entry.recording.mirror = { frame: (f) => shared.frame(id, f), end: (a) => shared.end(id, a) }
      else {
        first = false
        this.follow(id, entry.recording)
      }
    }
    return {
      recording: entry.recording,
      first,
      // Nothing ran (the request was refused before its turn started): a retry may run it afresh.
      release: () => {
        if (!first) return
        forget()
        if (this.shared) {
          entry.recording.mirror = undefined
          this.shared.release(id)
        }
        // A retry already waiting gets the "ended without an answer" error instead of waiting for ever.
        entry.recording.end()
      }
    }
  }

  /** Feeds a recording from the process that runs its turn, until it ends, the key goes, or the TTL passes. */
  private follow(id: string, recording: Recording): void {
    const shared = this.shared!
    const until = Date.now() + this.ttlMs
    const poll = async () => {
      try {
        const got = await shared.read(id, recording.frames.length)
        if (!got) return recording.end()
        for (const f of got.frames) recording.frame(f)
        if (got.ended) return recording.end(got.answer)
      } catch {
        // Redis is away for a moment: look again.
      }
      if (Date.now() > until) return recording.end()
      setTimeout(() => void poll(), SHARED_POLL_MS).unref()
    }
    void poll()
  }

  private sweep() {
    const old = Date.now() - this.ttlMs
    // Insertion order is age order: expired entries go, then the oldest finished ones while over
    // the cap; a running one is kept (a retry may be waiting on it) and the scan goes past it.
    for (const [id, e] of this.entries) {
      const expired = e.at <= old
      if (!expired && this.entries.size <= this.max) break
      if (expired || e.recording.ended) this.entries.delete(id)
    }
  }
}

const reused = () =>
  new AppError('validation_failed', 'This Idempotency-Key was already used for a different request: use a new key for each new request', {
    issues: [{ path: 'Idempotency-Key', message: 'reused' }],
    openAiCode: 'idempotency_key_reused'
  })
