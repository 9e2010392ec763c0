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

  frame(f: unknown) {
    this.frames.push(f)
    this.wake()
  }

  end(answer?: JsonAnswer) {
    this.answer = answer
    this.ended = true
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
}

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
    private readonly max = 500
  ) {}

  /**
   * The recording for this key: `first` when this request is the one to run (and record) the turn.
   * The same key with another body is refused: it is a client bug, not a retry.
   */
  claim(scope: string, key: string, body: unknown): { recording: Recording; first: boolean; release(): void } {
    if (key.length > 255)
      throw new AppError('validation_failed', 'Invalid request: Idempotency-Key: at most 255 characters', {
        issues: [{ path: 'Idempotency-Key', message: 'too long' }]
      })
    this.sweep()
    const id = `${scope}\u0000${key}`
    const fingerprint = createHash('sha256').update(JSON.stringify(body)).digest('base64url')
    const known = this.entries.get(id)
    if (known && known.fingerprint !== fingerprint)
      throw new AppError('validation_failed', 'This Idempotency-Key was already used for a different request: use a new key for each new request', {
        issues: [{ path: 'Idempotency-Key', message: 'reused' }],
        openAiCode: 'idempotency_key_reused'
      })
    const entry = known ?? { fingerprint, recording: new Recording(), at: Date.now() }
    if (!known) this.entries.set(id, entry)
    return {
      recording: entry.recording,
      first: !known,
      // Nothing ran (the request was refused before its turn started): a retry may run it afresh.
      release: () => {
        if (this.entries.get(id) === entry) this.entries.delete(id)
      }
    }
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
