import { randomBytes } from 'node:crypto'
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { ToolError } from '../shared/results.js'
import { resolveFileName, type FileKind } from './file-names.js'

export interface FileEntry {
  name: string
  bytes: number
  modified: string
  link: string
}

// Per process, not per McpServer: over HTTP every request gets its own server instance, and two
// requests writing the same workbook must still take turns.
const fileLocks = new Map<string, Promise<unknown>>()

/** The folder the Excel server may touch, and how its files are offered for download. */
export class DataFolder {
  readonly dir: string

  constructor(
    dir: string,
    private readonly downloadBaseUrl?: string
  ) {
    this.dir = resolve(dir)
  }

  file(name: string, kinds: FileKind[] = ['xlsx'], defaultKind?: FileKind) {
    return resolveFileName(this.dir, name, kinds, defaultKind)
  }

  /** A URL when the studio serves the folder (AGENTA_DOWNLOAD_BASE_URL), else the absolute path. */
  link(name: string): string {
    if (!this.downloadBaseUrl) return join(this.dir, name)
    return `${this.downloadBaseUrl.replace(/\/+$/, '')}/${encodeURIComponent(name)}`
  }

  async list(): Promise<FileEntry[]> {
    let names: string[]
    try {
      names = await readdir(this.dir)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw error
    }
    const entries: FileEntry[] = []
    for (const name of names.sort()) {
      if (name.startsWith('.') || !/\.(xlsx|csv)$/i.test(name)) continue
      const info = await stat(join(this.dir, name)).catch(() => undefined)
      if (!info?.isFile()) continue
      entries.push({ name, bytes: info.size, modified: info.mtime.toISOString(), link: this.link(name) })
    }
    return entries
  }

  async exists(path: string): Promise<boolean> {
    return stat(path).then(
      (info) => info.isFile(),
      () => false
    )
  }

  async delete(name: string): Promise<string> {
    const file = this.file(name, ['xlsx', 'csv'])
    return this.locked(file.path, async () => {
      if (!(await this.exists(file.path))) throw new ToolError(`No file "${file.name}" in the data folder`)
      await rm(file.path)
      return file.name
    })
  }

  /** Write to a temporary sibling, then rename: a crash mid-write never leaves half a workbook. */
  async writeAtomically(path: string, data: Buffer | string): Promise<void> {
    await mkdir(this.dir, { recursive: true })
    const temporary = join(this.dir, `.${randomBytes(6).toString('hex')}.tmp`)
    try {
      await writeFile(temporary, data)
      await rename(temporary, path)
    } catch (error) {
      await rm(temporary, { force: true })
      throw error
    }
  }

  /** Runs fn while no other call in this process works on the same file. */
  async locked<T>(path: string, fn: () => Promise<T>): Promise<T> {
    const previous = fileLocks.get(path) ?? Promise.resolve()
    const run = previous.then(fn, fn)
    const settled = run.catch(() => undefined)
    fileLocks.set(path, settled)
    try {
      return await run
    } finally {
      if (fileLocks.get(path) === settled) fileLocks.delete(path)
    }
  }
}
