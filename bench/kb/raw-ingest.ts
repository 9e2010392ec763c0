// The baseline for the ingest figures: the same rows written straight to LanceDB and indexed the
// same way, with nothing of ours in between. Two phases, each its own process:
//   prep: parse and chunk the corpus with the product's code into Arrow IPC files of the rows the
//         store would write (untimed; kept on disk so the load measures LanceDB alone);
//   load: read those files, `table.add` each batch, then build the same indexes once (timed: wall,
//         CPU of all threads, peak RSS).
// What is left between ours and this is the product's share: reading, parsing, chunking, the
// queue's SQLite bookkeeping and the conversion to Arrow.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { parseDocument } from '../../src-main/core/knowledge/parse'
import { chunkDocument } from '../../src-main/core/knowledge/chunk'
import { indexedText } from '../../src-main/core/knowledge/ingest/indexed-text'
import { loadLance } from '../../src-main/vector/lancedb/load'
import { COLUMNS, collectionSchema, toRecord } from '../../src-main/vector/lancedb/schema'
import { termsIndexConfig } from '../../src-main/vector/lancedb/store'
import { defaultIngestionOptions } from '../../src-main/core/knowledge/ingest/queue'
import { memBytes } from '../../tests/utils/proc'

const args = JSON.parse(process.argv[2]) as { phase: 'prep' | 'load'; corpusDir: string; rowsDir: string; dataDir: string }
const { lancedb, arrow } = loadLance()

if (args.phase === 'prep') {
  mkdirSync(args.rowsDir, { recursive: true })
  const schema = collectionSchema(null)
  let batch: Record<string, unknown>[] = []
  let files = 0
  let rows = 0
  const flush = () => {
    if (!batch.length) return
    const table = lancedb.makeArrowTable(batch, { schema })
    writeFileSync(join(args.rowsDir, `${String(files).padStart(6, '0')}.arrow`), arrow.tableToIPC(table, 'file'))
    files++
    batch = []
  }
  const paths = readdirSync(args.corpusDir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && !e.name.startsWith('.'))
    .map((e) => join(e.parentPath, e.name))
    .sort()
  for (const [d, path] of paths.entries()) {
    const parsed = await parseDocument({ path, fileName: relative(args.corpusDir, path) })
    for (const c of chunkDocument(parsed, { size: 800, overlap: 100 })) {
      const text = indexedText(c)
      batch.push(toRecord({ id: `${d}:0:${c.index}`, docId: `${d}:0`, kbId: 'kb', text, meta: { i: c.index, h: c.headingPath, s: c.charStart } }, null, true))
      rows++
      // The same write size as the product's write buffer.
      if (batch.length >= defaultIngestionOptions.flushRows) flush()
    }
  }
  flush()
  process.stdout.write(JSON.stringify({ rows, files }) + '\n')
  process.exit(0)
}

let peak = 0
const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100)
const cpuStart = process.cpuUsage()
const started = performance.now()
const conn = await lancedb.connect(args.dataDir)
const table = await conn.createEmptyTable('raw', collectionSchema(null), { mode: 'create', existOk: false })
let rows = 0
for (const name of readdirSync(args.rowsDir)
  .filter((n) => n.endsWith('.arrow'))
  .sort()) {
  const batch = arrow.tableFromIPC(readFileSync(join(args.rowsDir, name)))
  await table.add(batch)
  rows += batch.numRows
}
const writtenSeconds = (performance.now() - started) / 1000
await table.createIndex(COLUMNS.terms, { config: termsIndexConfig() })
await table.createIndex(COLUMNS.id, { config: lancedb.Index.btree() })
await table.createIndex(COLUMNS.docId, { config: lancedb.Index.btree() })
await table.createIndex(COLUMNS.kbId, { config: lancedb.Index.bitmap() })
const seconds = (performance.now() - started) / 1000
const cpu = process.cpuUsage(cpuStart)
clearInterval(sample)
const hwm = memBytes('self', 'VmHWM')
const counted = await table.countRows()
if (counted !== rows) throw new Error(`raw load wrote ${counted} of ${rows} rows`)
process.stdout.write(
  JSON.stringify({
    rows,
    seconds,
    writtenSeconds,
    indexSeconds: seconds - writtenSeconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    peakRss: Math.max(peak, hwm)
  }) + '\n'
)
process.exit(0)
