import { schedule as cronSchedule, validate as cronValidate, type ScheduledTask } from 'node-cron'
import type { z } from 'zod'
import { AppError, fieldError } from '../../../contract/errors'
import type { KnowledgeSource, KnowledgeSourceCreate, KnowledgeSourceUpdate, SourceConfig, SyncResult, SyncStats } from '../../../contract/knowledge'
import { SourceConfig as SourceConfigSchema, SyncStats as SyncStatsSchema } from '../../../contract/knowledge'
import type { DocumentsRepo, DocumentRow } from '../../../store/repos/documents'
import { knowledgeSourcesRepo, type SourceRow } from '../../../store/repos/knowledge-sources'
import { bool, int, json, num } from '../../../store/errors'
import type { StudioEvents } from '../../events'
import { secretHint, type SecretBox } from '../../secrets/secret-box'
import { newId } from '../../util/ids'
import { newDocumentRow, requeuePatch, sourceKey } from '../documents-service'
import { itemHash } from '../ingest/content'
import type { IngestionQueue } from '../ingest/queue'
import type { ProgressTracker } from '../ingest/progress'
import { KeyedMutex } from '../../util/keyed-mutex'
import { readApi, readDatabase, redactUrl, type SourceItem } from './readers'
import { log } from '../../../base/log'

const APPLY_BATCH = 200

type Store = Parameters<typeof knowledgeSourcesRepo>[0]

/**
 * Database and API sources: each row or item becomes a document built from the chosen columns or
 * fields. A sync reads everything (streamed, in batches), queues new and changed items, and
 * deletes documents whose item is gone, but only after the whole read succeeded: a sync that
 * fails half-way removes nothing. Syncs run on demand or on a cron schedule, one at a time per
 * source; one interrupted by a restart runs again at start-up.
 */
export function sourcesService(deps: {
  db: Store
  docs: DocumentsRepo
  secrets: SecretBox
  events: StudioEvents
  queue: IngestionQueue
  progress: ProgressTracker
  kbExists(kbId: string): Promise<void>
  removeDocuments(kbId: string, ids: string[]): Promise<void>
}) {
  const repo = knowledgeSourcesRepo(deps.db)
  const lock = new KeyedMutex()
  const tasks = new Map<string, ScheduledTask>()
  let closed = false

  const seal = (c: SourceConfig) => deps.secrets.encrypt(JSON.stringify(c))
  function unseal(r: SourceRow): SourceConfig {
    try {
      return SourceConfigSchema.parse(JSON.parse(deps.secrets.decrypt(r.config)))
    } catch {
      throw new AppError('conflict', `The settings of source "${r.name}" cannot be decrypted on this machine; enter them again`)
    }
  }

  /** What the API shows: the MySQL password and header values masked. */
  function masked(c: SourceConfig): SourceConfig {
    if (c.kind === 'database') return c.connection.type === 'mysql' ? { ...c, connection: { type: 'mysql', url: redactUrl(c.connection.url) } } : c
    return { ...c, headers: Object.fromEntries(Object.entries(c.headers).map(([k, v]) => [k, secretHint(v)])) }
  }

  /** A masked value sent back unchanged means "keep the stored secret". */
  function merge(next: SourceConfig, prev: SourceConfig | null): SourceConfig {
    if (!prev) return next
    if (next.kind === 'database' && prev.kind === 'database' && next.connection.type === 'mysql' && prev.connection.type === 'mysql') {
      if (next.connection.url === redactUrl(prev.connection.url)) return { ...next, connection: prev.connection }
    }
    if (next.kind === 'api' && prev.kind === 'api') {
      const headers = Object.fromEntries(
        Object.entries(next.headers).map(([k, v]) => [k, prev.headers[k] !== undefined && v === secretHint(prev.headers[k]) ? prev.headers[k] : v])
      )
      return { ...next, headers }
    }
    return next
  }

  function checkSchedule(s: string | null | undefined) {
    if (s && !cronValidate(s)) {
      throw fieldError('schedule', 'source_cron', { input: s }, `"${s}" is not a cron expression (minute hour day month weekday, e.g. "0 3 * * *")`)
    }
  }

  async function toSource(r: SourceRow, count?: number): Promise<KnowledgeSource> {
    const stats = SyncStatsSchema.safeParse(json<unknown>(r.last_sync_stats, null))
    return {
      id: r.id,
      kbId: r.kb_id,
      name: r.name,
      config: masked(unseal(r)),
      schedule: r.schedule,
      enabled: bool(r.enabled),
      syncState: r.sync_state as KnowledgeSource['syncState'],
      lastSyncAt: r.last_sync_at === null ? null : num(r.last_sync_at),
      lastSyncStatus: (r.last_sync_status as KnowledgeSource['lastSyncStatus']) ?? null,
      lastSyncError: r.last_sync_error,
      lastSyncStats: stats.success ? stats.data : null,
      documentCount: count ?? (await deps.docs.countBySource([r.id])).get(r.id) ?? 0,
      createdAt: num(r.created_at),
      updatedAt: num(r.updated_at)
    }
  }

  async function row(kbId: string, id: string): Promise<SourceRow> {
    const r = await repo.find(id)
    if (!r || r.kb_id !== kbId) throw new AppError('not_found', `No source ${id} in this knowledge base`)
    return r
  }

  function plan(r: Pick<SourceRow, 'id' | 'kb_id' | 'schedule' | 'enabled'>) {
    tasks.get(r.id)?.destroy()
    tasks.delete(r.id)
    if (closed || !r.schedule || !bool(r.enabled)) return
    const task = cronSchedule(r.schedule, () => void sync(r.kb_id, r.id).catch(() => undefined), { name: `knowledge-source-${r.id}`, noOverlap: true })
    tasks.set(r.id, task)
  }

  function changed(kbId: string, id: string) {
    deps.events.emit('knowledge.sources', { kbId, id })
  }

  /** Queues new and changed items of one batch; marks every seen item with the run's stamp. */
  async function apply(r: SourceRow, kind: 'database' | 'api', items: SourceItem[], stamp: string, stats: SyncStats) {
    const byKey = new Map<string, SourceItem>()
    for (const it of items) byKey.set(sourceKey(`source:${r.id}`, it.key), it)
    const existing = new Map((await deps.docs.findByKeys(r.kb_id, [...byKey.keys()])).map((d) => [d.source_key, d]))
    const fresh: DocumentRow[] = []
    const seen: string[] = []
    const changedIds: string[] = []
    for (const [key, it] of byKey) {
      const name = it.title ?? `${r.name} #${it.key.startsWith('hash:') ? it.key.slice(5, 17) : it.key}`
      const hash = itemHash(name.slice(0, 255), it.text)
      const known = existing.get(key)
      if (!known) {
        fresh.push(
          newDocumentRow({
            kbId: r.kb_id,
            name,
            location: `${r.name} #${it.key}`,
            sourceType: kind,
            sourceId: r.id,
            key,
            bytes: Buffer.byteLength(it.text),
            body: it.text,
            syncStamp: stamp
          })
        )
        stats.added++
      } else if (known.content_hash === hash || known.work_hash === hash) {
        seen.push(known.id)
        stats.unchanged++
      } else {
        deps.queue.cancel(known.id)
        await deps.docs.update(known.id, requeuePatch({ name: name.slice(0, 255), body: it.text, bytes: Buffer.byteLength(it.text), sync_stamp: stamp }))
        changedIds.push(known.id)
        stats.updated++
      }
    }
    if (fresh.length) await deps.docs.insertMany(fresh)
    if (seen.length) await deps.docs.updateMany(seen, { sync_stamp: stamp })
    if (fresh.length || changedIds.length) {
      deps.progress.touch(r.kb_id, [...fresh.map((f) => f.id), ...changedIds])
      deps.queue.kick()
    }
  }

  async function runSync(r: SourceRow): Promise<SyncResult> {
    const started = Date.now()
    const stats: SyncStats = { added: 0, updated: 0, unchanged: 0, removed: 0, skipped: 0 }
    const stamp = newId()
    await repo.update(r.id, { sync_state: 'running' })
    changed(r.kb_id, r.id)
    let error: string | null = null
    try {
      const config = unseal(r)
      const items = config.kind === 'database' ? readDatabase(config) : readApi(config)
      let batch: SourceItem[] = []
      for await (const it of items) {
        if (closed) throw new AppError('internal', 'stopped by shutdown')
        if (!it.text.trim()) {
          stats.skipped++
          continue
        }
        batch.push(it)
        if (batch.length >= APPLY_BATCH) {
          await apply(r, config.kind, batch, stamp, stats)
          batch = []
        }
      }
      await apply(r, config.kind, batch, stamp, stats)
      // Only a complete read may delete: items not seen in it are gone from the source.
      for (;;) {
        const gone = await deps.docs.unseen(r.id, stamp, 500)
        if (!gone.length) break
        await deps.removeDocuments(
          r.kb_id,
          gone.map((g) => g.id)
        )
        stats.removed += gone.length
      }
    } catch (err) {
      error = err instanceof AppError ? err.message : `Sync failed: ${(err as Error)?.message ?? String(err)}`
    }
    if (!closed || !error) {
      await repo.update(r.id, {
        sync_state: 'idle',
        last_sync_at: Date.now(),
        last_sync_status: error ? 'failed' : 'ok',
        last_sync_error: error,
        last_sync_stats: JSON.stringify(stats),
        updated_at: Date.now()
      })
    }
    changed(r.kb_id, r.id)
    return { ok: !error, stats, error, tookMs: Date.now() - started }
  }

  function sync(kbId: string, id: string): Promise<SyncResult> {
    return lock.run(id, async () => {
      const r = await row(kbId, id)
      return runSync(r)
    })
  }

  return {
    async list(kbId: string): Promise<KnowledgeSource[]> {
      await deps.kbExists(kbId)
      const rows = await repo.list(kbId)
      const counts = await deps.docs.countBySource(rows.map((r) => r.id))
      return Promise.all(rows.map((r) => toSource(r, counts.get(r.id) ?? 0)))
    },

    async create(kbId: string, input: z.output<typeof KnowledgeSourceCreate>): Promise<KnowledgeSource> {
      await deps.kbExists(kbId)
      checkSchedule(input.schedule)
      const now = Date.now()
      const r: SourceRow = {
        id: newId(),
        kb_id: kbId,
        name: input.name,
        kind: input.config.kind,
        config: seal(input.config),
        schedule: input.schedule,
        enabled: int(input.enabled),
        sync_state: 'idle',
        last_sync_at: null,
        last_sync_status: null,
        last_sync_error: null,
        last_sync_stats: null,
        created_at: now,
        updated_at: now
      }
      await repo.insert(r)
      plan(r)
      changed(kbId, r.id)
      return toSource(r, 0)
    },

    async update(kbId: string, id: string, patch: z.output<typeof KnowledgeSourceUpdate>): Promise<KnowledgeSource> {
      const current = await row(kbId, id)
      checkSchedule(patch.schedule)
      const cols: Partial<SourceRow> = { updated_at: Date.now() }
      if (patch.name !== undefined) cols.name = patch.name
      if (patch.schedule !== undefined) cols.schedule = patch.schedule
      if (patch.enabled !== undefined) cols.enabled = int(patch.enabled)
      if (patch.config !== undefined) {
        const prev = (() => {
          try {
            return unseal(current)
          } catch {
            return null
          }
        })()
        const next = merge(patch.config, prev)
        cols.config = seal(next)
        cols.kind = next.kind
      }
      await repo.update(id, cols)
      const updated = await row(kbId, id)
      plan(updated)
      changed(kbId, id)
      return toSource(updated)
    },

    async delete(kbId: string, id: string) {
      await row(kbId, id)
      tasks.get(id)?.destroy()
      tasks.delete(id)
      await lock.run(id, async () => {
        for (;;) {
          const ids = await deps.docs.idsOfSource(id, 500)
          if (!ids.length) break
          await deps.removeDocuments(
            kbId,
            ids.map((d) => d.id)
          )
        }
        await repo.delete(id)
      })
      changed(kbId, id)
      return { ok: true as const }
    },

    sync,

    /** Schedules every source and re-runs syncs that a restart interrupted. */
    async start() {
      for (const r of await repo.all()) plan(r)
      for (const r of await repo.unfinished())
        void sync(r.kb_id, r.id).catch((err) => log.warn({ err, source: r.name }, 'resuming a knowledge source sync failed'))
    },

    /** A knowledge base is being deleted: stop its schedules. */
    forgetKb: async (kbId: string) => {
      for (const r of await repo.list(kbId)) {
        tasks.get(r.id)?.destroy()
        tasks.delete(r.id)
      }
    },

    /** Shutdown: no sync starts; one under way stops at its next item (resumed at the next start) before this resolves. */
    async close() {
      closed = true
      for (const t of tasks.values()) t.destroy()
      tasks.clear()
      await lock.idle()
    }
  }
}
