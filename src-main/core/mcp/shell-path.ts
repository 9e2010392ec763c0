import { spawn } from 'node:child_process'
import { accessSync, constants, statSync } from 'node:fs'
import { delimiter, isAbsolute, join, resolve } from 'node:path'

const MARK = '__AGENTA_PATH__'

/**
 * The PATH a terminal would have. An app started from the Dock, Finder or a desktop launcher gets
 * a bare PATH (/usr/bin:/bin…) without Homebrew, nvm, pyenv or ~/.local/bin, so `npx` and `uvx`
 * "do not exist" although they work in the user's terminal. Asking the login shell fixes that.
 * Never throws: a broken shell profile falls back to this process's PATH.
 */
export async function loginShellPath(opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv; platform?: NodeJS.Platform } = {}): Promise<string> {
  const env = opts.env ?? process.env
  const own = env.PATH ?? ''
  if ((opts.platform ?? process.platform) === 'win32') return own // GUI apps get the full PATH there
  const shell = env.SHELL || '/bin/sh'
  // Markers: rc files may print banners or set the title; only what sits between them is the PATH.
  const script = `printf '%s%s%s' '${MARK}' "$PATH" '${MARK}'`
  const shellPath = await new Promise<string | null>((done) => {
    let out = ''
    let settled = false
    const finish = (v: string | null) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      done(v)
    }
    let child: ReturnType<typeof spawn>
    try {
      // -i so .bashrc/.zshrc run too (nvm and friends live there), -l for the profile files.
      child = spawn(shell, ['-ilc', script], { stdio: ['ignore', 'pipe', 'ignore'], env: { ...env, TERM: 'dumb' }, detached: false })
    } catch {
      return finish(null)
    }
    // A profile that waits for input or hangs must not stop tools from starting.
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      finish(null)
    }, opts.timeoutMs ?? 5_000)
    child.stdout!.on('data', (b: Buffer) => (out += b.toString('utf8')))
    child.on('error', () => finish(null))
    child.on('close', () => {
      const m = out.match(new RegExp(`${MARK}(.*?)${MARK}`, 's'))
      finish(m ? m[1].trim() : null)
    })
  })
  return mergePaths(shellPath ?? '', own)
}

/** The shell's entries first (that is what the user's terminal would run), then ours that it lacks. */
export function mergePaths(...paths: string[]): string {
  const seen = new Set<string>()
  const out: string[] = []
  for (const p of paths) {
    for (const entry of p.split(delimiter)) {
      if (!entry || seen.has(entry)) continue
      seen.add(entry)
      out.push(entry)
    }
  }
  return out.join(delimiter)
}

function isExecutableFile(file: string, win: boolean): boolean {
  try {
    if (!statSync(file).isFile()) return false
    if (!win) accessSync(file, constants.X_OK)
    return true
  } catch {
    return false
  }
}

export class CommandNotFoundError extends Error {
  constructor(
    readonly command: string,
    readonly detail: string
  ) {
    super(`command not found: ${command} (${detail})`)
    this.name = 'CommandNotFoundError'
  }
}

/**
 * The absolute path of a command, looked up as a shell would. Spawning by absolute path means the
 * child's own PATH cannot change which program runs, and a miss is reported before spawning with
 * the command and every directory searched, instead of a bare ENOENT.
 */
export function resolveCommand(command: string, opts: { path: string; cwd?: string; platform?: NodeJS.Platform; pathExt?: string }): string {
  const win = (opts.platform ?? process.platform) === 'win32'
  const exts = win ? ['', ...(opts.pathExt ?? process.env.PATHEXT ?? '.COM;.EXE;.BAT;.CMD').split(';').filter(Boolean)] : ['']
  const hasDir = command.includes('/') || (win && command.includes('\\'))
  if (hasDir || isAbsolute(command)) {
    const full = resolve(opts.cwd ?? process.cwd(), command)
    for (const ext of exts) if (isExecutableFile(full + ext, win)) return full + ext
    throw new CommandNotFoundError(command, `no executable file at ${full}`)
  }
  for (const dir of opts.path.split(delimiter)) {
    if (!dir) continue
    for (const ext of exts) {
      const candidate = join(dir, command + ext)
      if (isExecutableFile(candidate, win)) return candidate
    }
  }
  throw new CommandNotFoundError(command, `searched PATH: ${opts.path || '(empty)'}`)
}
