import { defineConfig } from 'electron-vite'
import react from '@vitejs/plugin-react'
import { resolve } from 'node:path'
import { readFileSync } from 'node:fs'

const pkg = JSON.parse(readFileSync(resolve(__dirname, 'package.json'), 'utf8')) as { version: string }
const define = { __APP_VERSION__: JSON.stringify(pkg.version) }
const contract = { '@contract': resolve(__dirname, 'src-main/contract') }

export default defineConfig({
  main: {
    define,
    resolve: { alias: contract },
    build: {
      outDir: 'out/main',
      // Dependencies stay in node_modules (native better-sqlite3 and lancedb cannot be bundled).
      externalizeDeps: true,
      rollupOptions: {
        input: {
          // The Electron host and the headless `agenta serve` host share every chunk of the core.
          index: resolve(__dirname, 'src-main/electron/main.ts'),
          cli: resolve(__dirname, 'src-main/cli.ts'),
          // The bundled MCP servers, run as child processes of either host (see core/mcp/bundled-servers.ts).
          'mcp-chart': resolve(__dirname, 'mcp/chart/main.ts'),
          'mcp-email': resolve(__dirname, 'mcp/email/main.ts'),
          'mcp-excel': resolve(__dirname, 'mcp/excel/main.ts')
        }
      }
    }
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload must be one CommonJS file with no require of node_modules.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(__dirname, 'src-preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' }
      }
    }
  },
  renderer: {
    root: resolve(__dirname, 'src-renderer'),
    define,
    resolve: { alias: contract },
    plugins: [react()],
    build: {
      outDir: 'out/renderer',
      // Phones and kiosks load it over the LAN: ship it small.
      minify: true,
      // phone.html: the chat page for phones and embeds (/chat/<uuid>), without the studio's antd;
      // kiosk.html: the speaking avatar (/kiosk/<uuid>), without React.
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src-renderer/index.html'),
          phone: resolve(__dirname, 'src-renderer/phone.html'),
          kiosk: resolve(__dirname, 'src-renderer/kiosk.html')
        }
      }
    }
  }
})
