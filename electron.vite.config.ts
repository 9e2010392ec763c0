import { defineConfig } from 'electron-vite'
import react from '@vitejs/plugin-react'
import { resolve } from 'node:path'
import { createReadStream, readFileSync } from 'node:fs'
import type { Plugin } from 'vite'

const pkg = JSON.parse(readFileSync(resolve(__dirname, 'package.json'), 'utf8')) as { version: string }
const define = { __APP_VERSION__: JSON.stringify(pkg.version) }
const contract = { '@contract': resolve(__dirname, 'src-main/contract') }

// The kiosk's voice activity detection runs the Silero model that ships inside @ricky0123/vad-web
// on onnxruntime-web's wasm build: four files fetched at run time (never from the internet), served
// from /vad/ by the server that serves the page, so a kiosk on the LAN works offline.
const VAD_FILES: Record<string, string> = {
  'silero_vad_v5.onnx': '@ricky0123/vad-web/dist/silero_vad_v5.onnx',
  'vad.worklet.bundle.min.js': '@ricky0123/vad-web/dist/vad.worklet.bundle.min.js',
  'ort-wasm-simd-threaded.wasm': 'onnxruntime-web/dist/ort-wasm-simd-threaded.wasm',
  'ort-wasm-simd-threaded.mjs': 'onnxruntime-web/dist/ort-wasm-simd-threaded.mjs'
}
const vadFile = (name: string) => resolve(__dirname, 'node_modules', VAD_FILES[name])

function vadAssets(): Plugin {
  return {
    name: 'agenta-vad-assets',
    configureServer(server) {
      server.middlewares.use('/vad/', (req, res, next) => {
        const name = (req.url ?? '').replace(/^\//, '').replace(/\?.*$/, '')
        if (!VAD_FILES[name]) return next()
        res.setHeader('Content-Type', name.endsWith('.wasm') ? 'application/wasm' : name.endsWith('.onnx') ? 'application/octet-stream' : 'text/javascript')
        createReadStream(vadFile(name)).pipe(res)
      })
    },
    generateBundle() {
      for (const name of Object.keys(VAD_FILES)) this.emitFile({ type: 'asset', fileName: `vad/${name}`, source: readFileSync(vadFile(name)) })
    }
  }
}

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
    plugins: [react(), vadAssets()],
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
