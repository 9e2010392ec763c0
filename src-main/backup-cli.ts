import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { createInterface } from 'node:readline/promises'
import { AppError } from './contract/errors'
import { unpackAndCheck, writeBackup } from './core/backup/archive'
import { lastRestore, scheduleRestore, stageDirFor } from './core/backup/restore-swap'
import { createRuntime } from './core/runtime'
import { newId } from './core/util/ids'

/** `agenta backup <file>` and `agenta restore <file>` (cli.ts): the same core functions the studio's Settings use. */

const say = (text: string) => process.stdout.write(text + '\n')
const complain = (text: string) => process.stderr.write(`agenta: ${text}\n`)

export async function backupCommand(dataDir: string, file: string): Promise<number> {
  if (existsSync(file)) {
    complain(`${file} exists already; choose a new name`)
    return 2
  }
  let shown = -1
  try {
    const manifest = await writeBackup({
      dataDir,
      out: file,
      onProgress: ({ done, total }) => {
        const pct = total ? Math.floor((done / total) * 100) : 100
        if (pct >= shown + 10 && process.stdout.isTTY) {
          shown = pct
          process.stdout.write(`\r${pct}%`)
        }
      }
    })
    if (process.stdout.isTTY) process.stdout.write('\r')
    const c = manifest.counts
    say(`Backed up ${dataDir} to ${file}`)
    say(`  ${c.agents} agents, ${c.sessions} chats, ${c.knowledgeBases} knowledge bases, ${c.documents} documents`)
    if (manifest.secrets.keyFile) say('  The file holds the key that opens the API keys saved in it: keep it as safe as a password.')
    if (manifest.secrets.keychain) say("  Some keys are sealed with this computer's keychain: restored elsewhere, they must be entered again.")
    return 0
  } catch (err) {
    complain(`backup failed: ${(err as Error).message}`)
    return 1
  }
}

export async function restoreCommand(dataDir: string, file: string, opts: { yes: boolean }): Promise<number> {
  const stageId = newId()
  let manifest
  try {
    manifest = await unpackAndCheck(file, stageDirFor(dataDir, stageId))
  } catch (err) {
    complain(err instanceof AppError ? err.message : `cannot read ${file}: ${(err as Error).message}`)
    return err instanceof AppError ? 2 : 1
  }
  const c = manifest.counts
  say(`Backup of ${new Date(manifest.createdAt).toLocaleString()} (Agenta Studio ${manifest.appVersion}):`)
  say(`  ${c.agents} agents, ${c.sessions} chats, ${c.knowledgeBases} knowledge bases, ${c.documents} documents`)
  if (manifest.secrets.keychain)
    say('  Some API keys in it were sealed with the OS keychain of the computer that made it: there they open, elsewhere enter them again.')
  if (!opts.yes) {
    if (!process.stdin.isTTY) {
      complain('restore replaces all data; run it in a terminal to confirm, or pass --yes')
      return 2
    }
    const rl = createInterface({ input: process.stdin, output: process.stdout })
    const answer = await rl.question(`Replace ALL data in ${dataDir} with this backup? Type "yes": `)
    rl.close()
    if (answer.trim().toLowerCase() !== 'yes') {
      say('Nothing was changed.')
      return 1
    }
  }
  scheduleRestore(dataDir, stageId, manifest)
  // Opening the data puts the backup in place, brings its schema up to date, and undoes it all if it will not open.
  try {
    const runtime = await createRuntime({ dataDir, host: 'server', scheduler: { enabled: false } })
    await runtime.close()
  } catch (err) {
    complain(`cannot open the data: ${(err as Error).message}`)
  }
  const outcome = lastRestore(dataDir)
  if (!outcome?.ok) {
    complain(`restore undone, the data from before is in place: ${outcome?.error ?? 'unknown reason'}`)
    return 1
  }
  say(`Restored. The data from before is kept in ${outcome.previousDir ?? join(dataDir, '.restore')} until the next restore.`)
  return 0
}
