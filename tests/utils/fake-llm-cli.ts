// Standalone fake model server for manual tries and benchmarks:
//   npx tsx tests/utils/fake-llm-cli.ts --port 11435 [--chunk-delay 20] [--first-token-delay 200] [--api-key KEY]
import { parseArgs } from 'node:util'
import { startFakeLlm } from './fake-llm'

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '11435' },
    'chunk-delay': { type: 'string' },
    'first-token-delay': { type: 'string' },
    'embedding-dim': { type: 'string' },
    'api-key': { type: 'string' }
  }
})

const num = (v: string | undefined) => (v === undefined ? undefined : Number(v))

const llm = await startFakeLlm({
  port: Number(values.port),
  chunkDelayMs: num(values['chunk-delay']),
  firstTokenDelayMs: num(values['first-token-delay']),
  embeddingDim: num(values['embedding-dim']),
  apiKey: values['api-key']
})
console.log(llm.baseUrl)

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void llm.close().then(() => process.exit(0)))
}
