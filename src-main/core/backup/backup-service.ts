import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { BackupName, type BackupFile, type StagedRestore } from '../../contract/backup'
import { AppError } from '../../contract/errors'
import { log } from '../../base/log'
import type { StudioEvents } from '../events'
import { newId } from '../util/ids'
import { folderBytes, unpackAndCheck, writeBackup } from './archive'
import { restorePending, scheduleRestore, stageDirFor, lastRestore } from './restore-swap'

export const BACKUPS_DIR = 'backups'

/** A file name for a new backup: the local time it was made, sortable. */
export function backupFileName(now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0')
  return `agenta-backup-${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}.tar.gz`
}

export interface BackupDeps {
  dataDir: string
  /** Backups need the data in the folder: a team server's MySQL/Milvus have their own tools. */
  storeKind: 'sqlite' | 'mysql'
  events: StudioEvents
  /** The host restarts the core (and so applies the restore); absent, a restore is refused. */
  restart: () => (() => void) | undefined
}

/**
 * Backups of the data folder into `<data>/backups/`, and restores: an archive is unpacked and
 * checked first (inspect), then put in place at a restart the user confirms (restore).
 */
export function backupService(deps: BackupDeps) {
  const dir = join(deps.dataDir, BACKUPS_DIR)
  let running: Promise<BackupFile> | null = null
  let staged: StagedRestore | null = null

  const needFolder = () => {
    if (deps.storeKind !== 'sqlite')
      throw new AppError('conflict', "This server keeps its data in MySQL: back it up with the database's own tools (mysqldump) and the vector store's")
  }
  const fileOf = (name: string) => {
    const parsed = BackupName.safeParse(name)
    if (!parsed.success) throw new AppError('bad_request', `Not a backup file name: ${name}`)
    return join(dir, parsed.data)
  }
  const describe = (name: string): BackupFile => {
    const st = statSync(join(dir, name))
    return { name, bytes: st.size, createdAt: Math.round(st.mtimeMs) }
  }

  return {
    dir,
    /** Backup files in the folder, newest first. */
    list(): BackupFile[] {
      if (!existsSync(dir)) return []
      return readdirSync(dir)
        .filter((n) => BackupName.safeParse(n).success)
        .map(describe)
        .sort((a, b) => b.createdAt - a.createdAt || b.name.localeCompare(a.name))
    },
    /** Writes a backup now (one at a time), reporting progress as `backup.progress` events. */
    create(): Promise<BackupFile> {
      needFolder()
      if (running) throw new AppError('conflict', 'A backup is being written already')
      const name = backupFileName()
      mkdirSync(dir, { recursive: true, mode: 0o700 })
      let last = 0
      running = (async () => {
        try {
          await writeBackup({
            dataDir: deps.dataDir,
            out: join(dir, name),
            onProgress: (p) => {
              // Twice a second at most: a large LanceDB folder has many files.
              const now = Date.now()
              if (now - last < 500) return
              last = now
              deps.events.emit('backup.progress', { ...p, name })
            }
          })
          const file = describe(name)
          deps.events.emit('backup.progress', { phase: 'done', done: file.bytes, total: file.bytes, name })
          log.info({ name, bytes: file.bytes }, 'backup written')
          return file
        } catch (err) {
          deps.events.emit('backup.progress', { phase: 'failed', done: 0, total: 0, name })
          log.error({ err, name }, 'backup failed')
          throw err instanceof AppError ? err : new AppError('internal', `The backup could not be written: ${(err as Error).message}`)
        } finally {
          running = null
        }
      })()
      return running
    },
    delete(name: string) {
      const file = fileOf(name)
      if (!existsSync(file)) throw new AppError('not_found', `No backup named ${name}`)
      rmSync(file)
      return { ok: true as const }
    },
    /** Where an uploaded archive goes before it is checked (the upload route streams into it). */
    uploadPath(): { name: string; file: string } {
      needFolder()
      mkdirSync(dir, { recursive: true, mode: 0o700 })
      const name = `uploaded-${backupFileName().slice('agenta-backup-'.length)}`
      return { name, file: join(dir, name) }
    },
    fileOf,
    /** Unpacks and checks an archive; the result waits for `restore` (only the latest one). */
    async inspect(ref: { name?: string; path?: string }): Promise<StagedRestore> {
      needFolder()
      const archive = ref.name !== undefined ? fileOf(ref.name) : String(ref.path)
      const stageId = newId()
      if (staged) rmSync(stageDirFor(deps.dataDir, staged.stageId), { recursive: true, force: true })
      staged = null
      const stageDir = stageDirFor(deps.dataDir, stageId)
      const manifest = await unpackAndCheck(archive, stageDir)
      staged = { stageId, manifest, warnings: manifest.secrets.keychain ? ['keychain'] : [], bytes: folderBytes(stageDir) }
      return staged
    },
    /** Puts the checked archive in place: the host restarts the core, which swaps it in at start. */
    restore(stageId: string): { restarting: true } {
      needFolder()
      if (!staged || staged.stageId !== stageId || !existsSync(stageDirFor(deps.dataDir, stageId)))
        throw new AppError('not_found', 'That backup is no longer waiting to be restored: check it again')
      const restart = deps.restart()
      if (!restart) throw new AppError('conflict', 'This host cannot restart itself: stop it and run `agenta restore <file>`')
      if (restorePending(deps.dataDir)) throw new AppError('conflict', 'A restore is under way already')
      scheduleRestore(deps.dataDir, stageId, staged.manifest)
      log.info({ stageId, createdAt: staged.manifest.createdAt }, 'restore confirmed; restarting')
      // After this answer has left: the restart closes the server.
      setImmediate(restart)
      return { restarting: true }
    },
    lastRestore: () => lastRestore(deps.dataDir)
  }
}
export type BackupService = ReturnType<typeof backupService>
