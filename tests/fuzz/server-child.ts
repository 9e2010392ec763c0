/**
 * The server under fuzz, in a process of its own (started by harness.ts with `node --import tsx`),
 * so a crash shows as a dead process rather than a dead test runner. It boots as `agenta serve`
 * does (src-main/cli.ts) from the sources, logs JSON lines to stdout, and prints one line
 * `{"ready":"<url>"}` when it listens.
 *
 *   node --import tsx tests/fuzz/server-child.ts <dataDir> <token> [rendererDir]
 */
import { configureLog } from '../../src-main/base/log'
import { createRuntime } from '../../src-main/core/runtime'
import { startServer } from '../../src-main/server'

const [dataDir, token, rendererDir] = process.argv.slice(2)
configureLog({ dir: dataDir, console: 'stdout', level: process.env.AGENTA_FUZZ_LOG_LEVEL ?? 'warn' })
// MCP servers saved by the fuzzer connect only when used (as in tests/utils/boot.ts).
const runtime = await createRuntime({ dataDir, host: 'server', mcp: { autoConnect: false } })
const server = await startServer(runtime, { host: '127.0.0.1', port: 0, token, rendererDir })
runtime.setServerStatusSource(server.status)
process.stdout.write(JSON.stringify({ ready: server.url }) + '\n')
process.on('SIGTERM', () => {
  void server
    .close()
    .then(() => runtime.close())
    .finally(() => process.exit(0))
})
