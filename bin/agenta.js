#!/usr/bin/env node
// The `agenta` command: runs the built headless host (out/main/cli.js).
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { constants } from 'node:os'
import { fileURLToPath } from 'node:url'
import { MALLOC_ENV } from './malloc-env.js'

const cli = new URL('../out/main/cli.js', import.meta.url)
if (!existsSync(fileURLToPath(cli))) {
  process.stderr.write('agenta: the app is not built yet; run `npm run build` first\n')
  process.exit(1)
}

// glibc's allocator settings (malloc-env.js) are read only when a process starts, so on Linux the
// command starts itself once more with them. AGENTA_MALLOC_TUNED marks that second start; set it
// yourself to run in one process.
if (process.platform === 'linux' && !process.env.AGENTA_MALLOC_TUNED) {
  const server = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    // Its own process group: a Ctrl+C reaches it once, forwarded from here, not twice.
    detached: true,
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, ...MALLOC_ENV, AGENTA_MALLOC_TUNED: '1' }
  })
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => server.kill(signal))
  server.on('exit', (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 0)))
} else {
  if (process.channel) {
    // Started by the branch above: if that process dies, even by SIGKILL, the channel closes and
    // the server shuts down cleanly instead of living on without its terminal.
    process.channel.unref()
    process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'))
  }
  await import(cli.href)
}
