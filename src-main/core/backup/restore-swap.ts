import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { BackupManifest, RestoreOutcome } from '../../contract/backup'
import { log } from '../../base/log'
import { RESTORE_DIR, RESTORED_ITEMS } from './archive'

/**
 * Putting a staged backup in place, at start-up before anything opens the data. Each item of the
 * data folder (the database, the key file, vectors, uploads, files) is moved aside into
 * `.restore/previous-<id>` and the staged one moved in: renames on one file system. Every move is
 * written to the journal (`.restore/pending.json`) before it is made, so whatever stops it
 * half-way — an error, a crash, a power cut — the next start moves everything back. The data
 * from before stays in `previous-<id>` until the next restore.
 */

interface Journal {
  stageId: string
  manifest: BackupManifest
  phase: 'ready' | 'swapping'
  /** Moves begun, in order: 'out' = data → previous, 'in' = staged → data. */
  moves: Array<{ item: string; dir: 'out' | 'in' }>
}

const paths = (dataDir: string, stageId: string) => {
  const root = join(dataDir, RESTORE_DIR)
  return {
    root,
    journal: join(root, 'pending.json'),
    outcome: join(root, 'last.json'),
    staged: join(root, `staged-${stageId}`),
    previous: join(root, `previous-${stageId}`)
  }
}

export const stageDirFor = (dataDir: string, stageId: string) => paths(dataDir, stageId).staged

function writeJournal(file: string, j: Journal) {
  // Written then renamed: a crash leaves the old journal or the new one, never half of one.
  writeFileSync(`${file}.tmp`, JSON.stringify(j), { mode: 0o600 })
  renameSync(`${file}.tmp`, file)
}

function readJournal(file: string): Journal | null {
  if (!existsSync(file)) return null
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Journal
  } catch {
    return null
  }
}

function writeOutcome(dataDir: string, outcome: RestoreOutcome) {
  const p = paths(dataDir, 'x')
  mkdirSync(p.root, { recursive: true, mode: 0o700 })
  writeFileSync(p.outcome, JSON.stringify(outcome), { mode: 0o600 })
}

/** The last restore's outcome (what the settings screen shows after the restart), or null. */
export function lastRestore(dataDir: string): RestoreOutcome | null {
  const file = paths(dataDir, 'x').outcome
  if (!existsSync(file)) return null
  const parsed = RestoreOutcome.safeParse(JSON.parse(readFileSync(file, 'utf8')))
  return parsed.success ? parsed.data : null
}

/** Asks for the staged backup to be put in place at the next start (the host restarts the core). */
export function scheduleRestore(dataDir: string, stageId: string, manifest: BackupManifest) {
  const p = paths(dataDir, stageId)
  writeJournal(p.journal, { stageId, manifest, phase: 'ready', moves: [] })
}

/** Whether a restore waits for the next start. */
export const restorePending = (dataDir: string) => existsSync(paths(dataDir, 'x').journal)

/** Moves back what a swap moved, newest first; safe to run on a journal whose last move never happened. */
function undo(dataDir: string, j: Journal) {
  const p = paths(dataDir, j.stageId)
  // Once anything moved in, every original was moved aside first: a journal file of the database
  // now in the folder was made by opening the restored copy, and would corrupt the original's.
  if (j.moves.some((m) => m.dir === 'in')) {
    for (const item of ['agenta.db-wal', 'agenta.db-shm']) {
      if (!j.moves.some((m) => m.item === item && m.dir === 'in')) rmSync(join(dataDir, item), { force: true })
    }
  }
  for (const { item, dir } of [...j.moves].reverse()) {
    const live = join(dataDir, item)
    if (dir === 'in') {
      if (existsSync(live) && !existsSync(join(p.staged, item))) renameSync(live, join(p.staged, item))
    } else if (existsSync(join(p.previous, item))) {
      rmSync(live, { recursive: true, force: true })
      renameSync(join(p.previous, item), live)
    }
  }
  rmSync(p.journal, { force: true })
}

export interface AppliedRestore {
  manifest: BackupManifest
  /** The restored data opened: forget the journal, drop older kept data. */
  commit(): void
  /** Opening the restored data failed: put the data from before back. */
  rollback(err: unknown): void
  /** Neither committed nor rolled back yet. */
  isInPlace(): boolean
}

/**
 * Applies a pending restore, if any. Returns null when there is none or it had to be undone (the
 * data from before is in place then and the outcome says why); otherwise the caller opens the
 * data and commits, or rolls back if it cannot.
 */
export function applyPendingRestore(dataDir: string, opts: { failAfterMoves?: number } = {}): AppliedRestore | null {
  const j = readJournal(paths(dataDir, 'x').journal)
  if (!j) return null
  const p = paths(dataDir, j.stageId)
  const fail = (error: string) => {
    writeOutcome(dataDir, { at: Date.now(), ok: false, error, manifest: j.manifest })
    log.error({ stageId: j.stageId, error }, 'restore undone; the data from before it is in place')
  }
  if (j.phase === 'swapping') {
    // The last start stopped in the middle of the moves: put everything back.
    undo(dataDir, j)
    fail('The restore was interrupted; nothing was changed')
    return null
  }
  if (!existsSync(p.staged)) {
    rmSync(p.journal, { force: true })
    fail('The unpacked backup was gone; nothing was changed')
    return null
  }
  j.phase = 'swapping'
  try {
    mkdirSync(p.previous, { recursive: true, mode: 0o700 })
    const step = (item: string, dir: 'out' | 'in') => {
      if (opts.failAfterMoves !== undefined && j.moves.length >= opts.failAfterMoves) throw new Error('injected failure')
      j.moves.push({ item, dir })
      writeJournal(p.journal, j)
      if (dir === 'out') renameSync(join(dataDir, item), join(p.previous, item))
      else renameSync(join(p.staged, item), join(dataDir, item))
    }
    for (const item of RESTORED_ITEMS) if (existsSync(join(dataDir, item))) step(item, 'out')
    for (const item of RESTORED_ITEMS) if (existsSync(join(p.staged, item))) step(item, 'in')
  } catch (err) {
    undo(dataDir, j)
    fail(`The restore could not put the files in place: ${(err as Error).message}`)
    return null
  }
  log.info({ stageId: j.stageId, createdAt: j.manifest.createdAt }, 'backup put in place')
  let settled = false
  return {
    manifest: j.manifest,
    isInPlace: () => !settled,
    commit() {
      settled = true
      rmSync(p.journal, { force: true })
      rmSync(p.staged, { recursive: true, force: true })
      for (const name of readdirSync(p.root)) {
        if (name.startsWith('previous-') && join(p.root, name) !== p.previous) rmSync(join(p.root, name), { recursive: true, force: true })
      }
      writeOutcome(dataDir, { at: Date.now(), ok: true, manifest: j.manifest, previousDir: p.previous })
    },
    rollback(err) {
      settled = true
      undo(dataDir, j)
      fail(`The restored data could not be opened: ${(err as Error)?.message ?? String(err)}`)
    }
  }
}

/** Removes staged archives nobody confirmed (at start, when no restore is pending). */
export function dropStaleStages(dataDir: string) {
  const root = paths(dataDir, 'x').root
  if (!existsSync(root) || restorePending(dataDir)) return
  for (const name of readdirSync(root)) if (name.startsWith('staged-')) rmSync(join(root, name), { recursive: true, force: true })
}
