import type OpenAI from 'openai'
import type { Kysely } from 'kysely'
import { AppError } from '../../contract/errors'
import type { DB } from '../../store/schema'
import { describeProviderFault } from '../providers/provider-errors'
import { resolveModel } from '../providers/resolve-model'
import { Semaphore } from '../../base/semaphore'

export interface EmbedderOptions {
  /** Texts per /embeddings request (providers differ: DashScope takes 10, OpenAI 2048). */
  batchSize: number
  /** Requests in flight at once, across every document and knowledge base. */
  concurrency: number
  timeoutMs: number
  /** The SDK's own retries of 429/5xx/connection errors per request (the queue retries documents on top). */
  maxRetries: number
}

interface ModelTarget {
  client: OpenAI
  model: string
  providerId: string
}

/**
 * Embeddings through any OpenAI-compatible /embeddings endpoint, batched and bounded. A batch the
 * provider refuses as too large is split in halves, and the smaller size is remembered for that
 * model, so a conservative provider costs a few failed requests once rather than a setting.
 */
export class Embedder {
  private readonly limit: Semaphore
  private readonly maxBatch = new Map<string, number>()
  private readonly dims = new Map<string, number>()
  private readonly queryCache = new Map<string, number[]>()

  constructor(
    private readonly db: Kysely<DB>,
    private readonly clientFor: (providerId: string, opts: { timeout: number; maxRetries: number }) => Promise<OpenAI>,
    private readonly opts: EmbedderOptions
  ) {
    this.limit = new Semaphore(opts.concurrency)
  }

  /** The model row (of type embedding) and a client for its provider. */
  async target(modelRowId: string): Promise<ModelTarget> {
    // A knowledge base keeps its model id; the model may have been deleted or retyped since.
    const m = await resolveModel(this.db, modelRowId, 'embedding', 'embeddingModelId')
    return {
      client: await this.clientFor(m.providerId, { timeout: this.opts.timeoutMs, maxRetries: this.opts.maxRetries }),
      model: m.modelId,
      providerId: m.providerId
    }
  }

  /** The model's vector length, asked once per process. */
  async dimension(modelRowId: string): Promise<number> {
    const known = this.dims.get(modelRowId)
    if (known) return known
    const [v] = await this.embed(modelRowId, ['dimension probe'])
    this.dims.set(modelRowId, v.length)
    return v.length
  }

  /**
   * One vector per text, in order. Every vector must have `dim` numbers (the collection's, when the
   * caller writes to one; else what this model gave before): a vector of another length would be
   * refused by the collection or, worse, be searched as if it meant something.
   */
  async embed(modelRowId: string, texts: string[], signal?: AbortSignal, dim?: number | null): Promise<number[][]> {
    if (!texts.length) return []
    const t = await this.target(modelRowId)
    const size = Math.min(this.opts.batchSize, this.maxBatch.get(modelRowId) ?? Infinity)
    const batches: string[][] = []
    for (let i = 0; i < texts.length; i += size) batches.push(texts.slice(i, i + size))
    const out = await Promise.all(batches.map((b) => this.limit.run(() => this.request(modelRowId, t, b, signal))))
    const vectors = out.flat()
    const expected = dim ?? this.dims.get(modelRowId) ?? vectors[0]?.length
    const odd = vectors.find((v) => v.length !== expected)
    if (odd) {
      const where = dim ? "this knowledge base's collection holds" : 'it gave before'
      throw new AppError(
        'upstream_error',
        `Embedding with ${t.model} returned a vector of ${odd.length} numbers, but ${where} vectors of ${expected}: the model or its server changed; re-embed the knowledge base (choose the model again) if that is intended`,
        { reason: 'dimension_mismatch' },
        { reason: 'embed_dimension_mismatch', params: { model: t.model, got: odd.length, expected: expected ?? '' } }
      )
    }
    if (!this.dims.has(modelRowId) && expected) this.dims.set(modelRowId, expected)
    return vectors
  }

  /** A query's vector; recent queries are cached (the same question is often asked twice). */
  async embedQuery(modelRowId: string, text: string, signal?: AbortSignal): Promise<number[]> {
    const key = `${modelRowId}\u0000${text}`
    const hit = this.queryCache.get(key)
    if (hit) {
      this.queryCache.delete(key)
      this.queryCache.set(key, hit)
      return hit
    }
    const [v] = await this.embed(modelRowId, [text], signal)
    this.queryCache.set(key, v)
    if (this.queryCache.size > 256) this.queryCache.delete(this.queryCache.keys().next().value as string)
    return v
  }

  forget(modelRowId: string) {
    this.dims.delete(modelRowId)
  }

  private async request(modelRowId: string, t: ModelTarget, texts: string[], signal?: AbortSignal): Promise<number[][]> {
    let res: OpenAI.Embeddings.CreateEmbeddingResponse
    try {
      // Floats asked for by name: without it the SDK asks for base64 and decodes whatever comes
      // back as base64, so a server that ignores the format and sends numbers gives zeros.
      res = await t.client.embeddings.create({ model: t.model, input: texts, encoding_format: 'float' }, { signal })
    } catch (err) {
      const status = (err as { status?: number }).status
      if (texts.length > 1 && status !== undefined && status >= 400 && status < 500 && ![401, 403, 404, 429].includes(status)) {
        const half = Math.ceil(texts.length / 2)
        this.maxBatch.set(modelRowId, Math.min(this.maxBatch.get(modelRowId) ?? Infinity, half))
        const [a, b] = await Promise.all([this.request(modelRowId, t, texts.slice(0, half), signal), this.request(modelRowId, t, texts.slice(half), signal)])
        return [...a, ...b]
      }
      if (signal?.aborted) throw err
      const fault = describeProviderFault(err, t.client.baseURL)
      // The provider's fault as its code (provider_unreachable…), so a failed document says it in the user's language.
      throw new AppError(
        'upstream_error',
        `Embedding with ${t.model} failed: ${fault.message}`,
        { reason: fault.code },
        { ...(fault.reason && { reason: fault.reason }), params: { ...fault.params, model: t.model } }
      )
    }
    const data = [...res.data].sort((a, b) => a.index - b.index)
    if (data.length !== texts.length)
      throw new AppError('upstream_error', `Embedding with ${t.model} returned ${data.length} vectors for ${texts.length} texts`, undefined, {
        reason: 'embed_count_mismatch',
        params: { model: t.model, got: data.length, expected: texts.length }
      })
    return data.map((d, i) => vectorOf(d.embedding as unknown, t.model, i))
  }
}

/** A vector as servers send it: numbers, or (asked or not) base64 of little-endian float32s. */
function vectorOf(embedding: unknown, model: string, index: number): number[] {
  let v: unknown = embedding
  if (typeof embedding === 'string') {
    const bytes = Buffer.from(embedding, 'base64')
    if (bytes.length % 4 === 0) {
      const floats: number[] = []
      for (let k = 0; k < bytes.length; k += 4) floats.push(bytes.readFloatLE(k))
      v = floats
    }
  }
  if (!Array.isArray(v) || !v.length || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    throw new AppError(
      'upstream_error',
      `Embedding with ${model} returned something that is not a vector of numbers at position ${index}`,
      { reason: 'bad_vector' },
      { reason: 'embed_bad_vector', params: { model, index } }
    )
  }
  return v as number[]
}
