import { schedule as cronSchedule, validate as cronValidate, type ScheduledTask } from 'node-cron'
import type { z } from 'zod'
import { AppError, fieldError } from '../../../contract/errors'
import type { KnowledgeSource, KnowledgeSourceCreate, KnowledgeSourceUpdate, SourceConfig, SyncResult, SyncStats } from '../../../contract/knowledge'
import { SourceConfig as SourceConfigSchema, SyncStats as SyncStatsSchema } from '../../../contract/knowledge'
import { errorParams, type DocumentsRepo, type DocumentRow } from '../../../store/repos/documents'
import { sayFailure, type Said } from '../failure'
import { knowledgeSourcesRepo, type SourceRow } from '../../../store/repos/knowledge-sources'
import { bool, int, json, num } from '../../../store/errors'
import type { StudioEvents } from '../../events'
import { secretHint, type SecretBox } from '../../secrets/secret-box'
import { newId } from '../../util/ids'
import { newDocumentRow, requeuePatch, sourceKey } from '../documents-service'
import { itemHash } from '../ingest/content'
import type { IngestionQueue } from '../ingest/queue'
import type { ProgressTracker } from '../ingest/progress'
import { KeyedMutex } from '../../../base/keyed-mutex'
import { LockTimeout, type Claims, type KeyedLock } from '../../coordination/types'
import { readApi, readDatabase, redactUrl, type SourceItem } from './readers'
import { log } from '../../../base/log'

const APPLY_BATCH = 200
/** A sync holds its source's shared lock this long past a process that died mid-sync. */
const SYNC_LEASE_MS = 30_000
/** A sync asked for by hand waits this long for one running in another process before 409. */
const SYNC_WAIT_MS = 10 * 60_000
/** How often syncs cut by a process that died (their lease ran out) are looked for and resumed. */
const RESUME_EVERY_MS = 60_000
/** A scheduled slot is claimed by one process of a team server; the claim is kept this long. */
const SLOT_CLAIM_MS = 10 * 60_000

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
  /** The processes of a team server share these: one sync per source at a time, each scheduled slot fired once. */
  locks?: KeyedLock
  claims?: Claims
}) {
  const repo = knowledgeSourcesRepo(deps.db)
  /** This process's syncs (shutdown waits for them); the shared lock is taken inside. */
  const lock = new KeyedMutex()
  const shared = deps.locks ?? new KeyedMutex()
  const tasks = new Map<string, { task: ScheduledTask; schedule: string }>()
  let closed = false
  let resumer: NodeJS.Timeout | undefined
  let unsubscribe: (() => void) | undefined

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
      lastSyncReason: r.last_sync_error === null ? null : r.last_sync_reason,
      lastSyncParams: r.last_sync_error === null ? null : errorParams(r.last_sync_params),
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

  function unplan(id: string) {
    tasks.get(id)?.task.destroy()
    tasks.delete(id)
  }

  function plan(r: Pick<SourceRow, 'id' | 'kb_id' | 'schedule' | 'enabled'>) {
    const schedule = !closed && r.schedule && bool(r.enabled) ? r.schedule : null
    if (tasks.get(r.id)?.schedule === schedule) return
    unplan(r.id)
    if (!schedule) return
    const task = cronSchedule(
      schedule,
      () =>
        // A slot the previous sync is still busy with (here or in another process) is skipped.
        void sync(r.kb_id, r.id, 0).catch((err) => {
          if (err instanceof LockTimeout) log.info({ sourceId: r.id }, 'scheduled source sync skipped: the previous one is still running')
          else log.warn({ err, sourceId: r.id }, 'scheduled source sync failed to start')
        }),
      {
        name: `knowledge-source-${r.id}`,
        noOverlap: true,
        // node-cron's run coordinator: every process has the task planned, the one that claims a slot runs it.
        ...(deps.claims && {
          distributed: true,
          runCoordinator: { shouldRun: (key: string, ttlMs: number) => deps.claims!.claimOnce(`source-sync:${key}`, ttlMs) },
          distributedLease: SLOT_CLAIM_MS
        })
      }
    )
    tasks.set(r.id, { task, schedule })
  }

  /** A source created, edited or deleted through another process: plan it here too. */
  async function replan(kbId: string, id: string) {
    const r = await repo.find(id).catch(() => undefined)
    if (closed) return
    if (!r || r.kb_id !== kbId) unplan(id)
    else plan(r)
  }

  /** Syncs left `running` (a restart, or a process of a team server that died mid-sync) run again, unless one is running. */
  async function resumeInterrupted() {
    for (const r of await repo.unfinished()) {
      if (closed || lock.busy(r.id)) continue
      await sync(r.kb_id, r.id, 0, true).catch((err) => {
        if (!(err instanceof LockTimeout)) log.warn({ err, source: r.name }, 'resuming a knowledge source sync failed')
      })
    }
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
    let failure: Said | null = null
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
      failure = sayFailure(err, 'source_sync_failed', 'Sync failed')
    }
    const error = failure?.message ?? null
    if (!closed || !error) {
      await repo.update(r.id, {
        sync_state: 'idle',
        last_sync_at: Date.now(),
        last_sync_status: error ? 'failed' : 'ok',
        last_sync_error: error,
        last_sync_reason: failure?.reason ?? null,
        last_sync_params: failure ? JSON.stringify(failure.params) : null,
        last_sync_stats: JSON.stringify(stats),
        updated_at: Date.now()
      })
    }
    changed(r.kb_id, r.id)
    return { ok: !error, stats, error, tookMs: Date.now() - started }
  }

  /**
   * One sync of a source at a time, across the processes of a team server. `waitMs` 0 gives up at
   * once when one is running (LockTimeout); `resuming` runs only if the sync is still unfinished.
   */
  function sync(kbId: string, id: string, waitMs = SYNC_WAIT_MS, resuming = false): Promise<SyncResult | null> {
    return lock.run(
      id,
      () =>
        shared.run(
          `source-sync:${id}`,
          async () => {
            const r = await row(kbId, id)
            if (resuming && r.sync_state !== 'running') return null
            return runSync(r)
          },
          { leaseMs: SYNC_LEASE_MS, waitMs }
        ),
      { waitMs }
    )
  }

  /** The API's sync: waits for one running elsewhere, then runs its own. */
  async function syncNow(kbId: string, id: string): Promise<SyncResult> {
    try {
      return (await sync(kbId, id))!
    } catch (err) {
      if (err instanceof LockTimeout) throw new AppError('conflict', 'A sync of this source has been running for a long time; try again once it has finished')
      throw err
    }
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
        last_sync_reason: null,
        last_sync_params: null,
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
      unplan(id)
      // After a sync under way here or in another process: it would add documents back.
      await lock.run(id, () =>
        shared.run(
          `source-sync:${id}`,
          async () => {
            for (;;) {
              const ids = await deps.docs.idsOfSource(id, 500)
              if (!ids.length) break
              await deps.removeDocuments(
                kbId,
                ids.map((d) => d.id)
              )
            }
            await repo.delete(id)
          },
          { leaseMs: SYNC_LEASE_MS, waitMs: SYNC_WAIT_MS }
        )
      )
      changed(kbId, id)
      return { ok: true as const }
    },

    sync: syncNow,

    /** Schedules every source, re-runs syncs that a restart interrupted, and follows other processes' changes. */
    async start() {
      for (const r of await repo.all()) plan(r)
      unsubscribe = deps.events.subscribe((name, payload) => {
        if (name === 'knowledge.sources') void replan((payload as { kbId: string }).kbId, (payload as { id: string }).id)
      })
      void resumeInterrupted().catch((err) => log.warn({ err }, 'resuming knowledge source syncs failed'))
      resumer = setInterval(() => void resumeInterrupted().catch((err) => log.warn({ err }, 'resuming knowledge source syncs failed')), RESUME_EVERY_MS)
      resumer.unref()
    },

    /** A knowledge base is being deleted: stop its schedules. */
    forgetKb: async (kbId: string) => {
      for (const r of await repo.list(kbId)) unplan(r.id)
    },

    /** Shutdown: no sync starts; one under way stops at its next item (resumed at the next start) before this resolves. */
    async close() {
      closed = true
      clearInterval(resumer)
      unsubscribe?.()
      for (const t of tasks.values()) t.task.destroy()
      tasks.clear()
      await lock.idle()
    }
  }
}
