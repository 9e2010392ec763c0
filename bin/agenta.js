#!/usr/bin/env node
// The `agenta` command: runs the built headless host (out/main/cli.js).
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const cli = new URL('../out/main/cli.js', import.meta.url)
if (!existsSync(fileURLToPath(cli))) {
  process.stderr.write('agenta: the app is not built yet; run `npm run build` first\n')
  process.exit(1)
}
await import(cli.href)
