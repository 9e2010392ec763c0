// The Electron entry (out/main/index.js): the desktop (desktop.ts) on the real Electron platform.
import { fileURLToPath } from 'node:url'
import { electronPlatform } from './electron-platform'
import { startDesktop } from './desktop'

// The bundled MCP servers are built next to this file (out/main) and run by this binary as Node.
startDesktop(electronPlatform({ mainDir: fileURLToPath(new URL('.', import.meta.url)) }))
