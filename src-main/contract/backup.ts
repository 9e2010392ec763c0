import { z } from 'zod'

/**
 * Backup and restore of the whole data folder as one file (a gzipped tar). The archive holds
 * `manifest.json` first, then `agenta.db` (a consistent copy made with SQLite's online backup),
 * the key file `secret.key` when there is one, and the folders `vectors/` (LanceDB),
 * `knowledge/` (uploads) and `files/` (files tools made). Logs and earlier backups stay out.
 */

/** The archive layout this version writes; a restore refuses a larger number (a newer studio made it). */
export const BACKUP_FORMAT = 1

/** A backup file's name: made by the studio or uploaded, always a plain name in the backups folder. */
export const BackupName = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*\.tar\.gz$/, 'must be a backup file name ending in .tar.gz')

export const BackupManifest = z.object({
  format: z.number().int().min(1),
  app: z.literal('agenta-studio'),
  appVersion: z.string(),
  createdAt: z.number(),
  /** The database migrations the copy has: a restore refuses names this version does not know. */
  migrations: z.array(z.string()),
  /**
   * How the API keys in the copy are sealed. `keyFile`: the archive holds the key that opens them
   * (anyone with the file can read them). `keychain`: some were sealed with this computer's OS
   * keychain and open only for the same user on the same computer.
   */
  secrets: z.object({ keyFile: z.boolean(), keychain: z.boolean() }),
  counts: z.object({
    agents: z.number().int(),
    sessions: z.number().int(),
    messages: z.number().int(),
    knowledgeBases: z.number().int(),
    documents: z.number().int()
  })
})
export type BackupManifest = z.infer<typeof BackupManifest>

export const BackupFile = z.object({ name: z.string(), bytes: z.number().int(), createdAt: z.number() })
export type BackupFile = z.infer<typeof BackupFile>

/** Which archive to check: a file in the backups folder, or (desktop, command line) a path on this machine. */
export const BackupRef = z
  .object({ name: BackupName.optional(), path: z.string().min(1).max(4096).optional() })
  .refine((r) => (r.name === undefined) !== (r.path === undefined), 'give either name or path')

/** An archive that passed every check, unpacked and waiting for the user's confirmation. */
export const StagedRestore = z.object({
  stageId: z.string(),
  manifest: BackupManifest,
  /** What the user should know before confirming ('keychain': some API keys will need entering again). */
  warnings: z.array(z.enum(['keychain'])),
  bytes: z.number().int()
})
export type StagedRestore = z.infer<typeof StagedRestore>

export const RestoreInput = z.object({ stageId: z.string().min(1).max(64) })

/** The outcome of the last restore, read after the restart it needed. */
export const RestoreOutcome = z.object({
  at: z.number(),
  ok: z.boolean(),
  /** Why it was undone (the data from before it is in place again). */
  error: z.string().optional(),
  manifest: BackupManifest.optional(),
  /** Where the data from before the restore is kept (until the next restore). */
  previousDir: z.string().optional()
})
export type RestoreOutcome = z.infer<typeof RestoreOutcome>

/** Studio event while a backup is written: bytes read of the total to read. */
export const BackupProgress = z.object({
  phase: z.enum(['database', 'files', 'done', 'failed']),
  done: z.number(),
  total: z.number(),
  name: z.string().optional()
})
export type BackupProgress = z.infer<typeof BackupProgress>
