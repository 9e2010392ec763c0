import { readdir, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { log } from '../../../base/log'

/**
 * Uploads stream into `uploads/.incoming` and are moved out once complete; an upload cut short by
 * a kill leaves its partial file there, and nothing else would ever remove it. At start-up no
 * upload of this process is running, so every file there is such a leftover, except one another
 * process on the same data folder is still writing: a file is removed once it has not changed for
 * `graceMs`, at once when it is that old already, else after a second look `graceMs` later.
 */
export class IncomingSweeper {
  private timer: NodeJS.Timeout | undefined
  private stopped = false

  constructor(
    private readonly dir: string,
    private readonly graceMs: number
  ) {}

  /** Removes the old leftovers now; the young ones get their second look later (unless stopped). */
  async start(): Promise<void> {
    // A folder that cannot be read costs disk space, never the start-up.
    const failed = (err: unknown) => log.warn({ err, dir: this.dir }, 'partial uploads not removed')
    const young = await this.sweep(null).catch((err) => (failed(err), new Map<string, number>()))
    if (!young.size || this.stopped) return
    this.timer = setTimeout(() => void this.sweep(young).catch(failed), this.graceMs)
    this.timer.unref()
  }

  stop(): void {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
  }

  /** `seen` = a second look: only those entries, removed if their mtime did not move. Returns the young entries kept. */
  private async sweep(seen: Map<string, number> | null): Promise<Map<string, number>> {
    let names: string[]
    try {
      names = seen ? [...seen.keys()] : await readdir(this.dir)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map()
      throw err
    }
    const young = new Map<string, number>()
    let removed = 0
    const now = Date.now()
    for (const name of names) {
      const path = join(this.dir, name)
      const st = await stat(path).catch(() => null)
      if (!st) continue
      const stale = seen ? seen.get(name) === st.mtimeMs : now - st.mtimeMs >= this.graceMs
      if (!stale) {
        young.set(name, st.mtimeMs)
        continue
      }
      await rm(path, { recursive: true, force: true })
      removed++
    }
    if (removed) log.info({ removed, dir: this.dir }, 'partial uploads removed')
    return young
  }
}
