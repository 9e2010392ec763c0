import { createRequire } from 'node:module'
import { availableParallelism } from 'node:os'
import type * as LanceDb from '@lancedb/lancedb'
import type * as Arrow from 'apache-arrow'

export type LanceModule = typeof LanceDb
export type ArrowModule = typeof Arrow

let loaded: { lancedb: LanceModule; arrow: ArrowModule } | undefined

/**
 * Loads LanceDB and Arrow on first use, guarding two measured traps:
 * - With one worker thread (machines with ≤ 2 cores) full-text index builds hang forever at 0% CPU;
 *   LanceDB reads LANCE_CPU_THREADS when its runtime starts, so it is set before the first call.
 * - An apache-arrow loaded through ESM import is a second copy next to the one LanceDB requires;
 *   tables built with it can be written as 0 rows without any error. Both come through one
 *   require() here, so there is one Arrow. Everything else imports only their types.
 * - Each full-text index build worker buffers postings up to LANCE_FTS_PARTITION_SIZE MiB before
 *   spilling them to disk (2 GiB by default in LanceDB 0.31): a 1 GB import peaked at 1.7 GB RSS.
 *   128 MiB per worker keeps a desktop app's memory flat at a few percent of build speed.
 */
export function loadLance(): { lancedb: LanceModule; arrow: ArrowModule } {
  if (!loaded) {
    process.env.LANCE_CPU_THREADS ??= String(Math.max(4, availableParallelism()))
    // Each build worker holds a CPU thread while it waits for rows that another task on the same
    // pool produces: with as many workers as threads (2 and 2 here) a 1M-row rebuild stalled for
    // good at 0% CPU. Half the threads leaves room for the producers.
    process.env.LANCE_FTS_NUM_SHARDS ??= String(Math.max(1, Math.floor(Number(process.env.LANCE_CPU_THREADS) / 2)))
    process.env.LANCE_FTS_PARTITION_SIZE ??= '128'
    const require = createRequire(import.meta.url)
    loaded = { lancedb: require('@lancedb/lancedb') as LanceModule, arrow: require('apache-arrow') as ArrowModule }
  }
  return loaded
}
