#!/usr/bin/env node
// better-sqlite3 is a native addon built for one ABI at a time: Node's (for `agenta serve` and the
// tests) or Electron's (for the desktop app). This switches it to the runtime about to start, and
// does nothing when it is already right. (LanceDB uses N-API and works under both.)
import { execSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'

const target = process.argv[2]
if (target !== 'node' && target !== 'electron') {
  console.error('usage: ensure-native.mjs node|electron')
  process.exit(2)
}
const marker = new URL('../node_modules/.agenta-native-abi', import.meta.url)
const current = existsSync(marker) ? readFileSync(marker, 'utf8').trim() : 'node'
const run = (cmd) => execSync(cmd, { stdio: 'inherit', cwd: new URL('..', import.meta.url) })

if (target === 'node') {
  try {
    const Database = createRequire(import.meta.url)('better-sqlite3')
    new Database(':memory:').close()
    if (current !== 'node') writeFileSync(marker, 'node')
  } catch (err) {
    console.log(`better-sqlite3 does not load in Node ${process.version} (${err.code ?? err.message}); rebuilding it for Node…`)
    run('npm rebuild better-sqlite3')
    writeFileSync(marker, 'node')
  }
} else if (current !== 'electron') {
  console.log('Rebuilding native modules for Electron…')
  run('npx electron-builder install-app-deps')
  writeFileSync(marker, 'electron')
}
