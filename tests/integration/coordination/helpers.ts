import { afterAll, afterEach, beforeAll } from 'vitest'
import { randomBytes } from 'node:crypto'
import type { RuntimeOptions } from '../../../src-main/core/runtime'
import { redisCoordination } from '../../../src-main/core/coordination'
import type { BootedRuntime } from '../../utils/boot'
import { tempDir } from '../../utils/boot'
import { startFakeLlm, type FakeLlm } from '../../utils/fake-llm'
import { createTempMysqlDb } from '../../utils/mariadb'

export const REDIS_URL = process.env.AGENTA_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

/**
 * A team server in one test process: "processes" (runtimes or servers, `boot` says which) on one
 * MariaDB database, one data folder and one Redis key prefix, as two `agenta serve` behind one
 * proxy share them, and one fake model server. Call at the top of a test file: it registers the
 * hooks that start the database and the model server once, and close every process after each test.
 */
export function teamOf<B extends BootedRuntime>(boot: (opts: Partial<RuntimeOptions>) => Promise<B>) {
  let db: Awaited<ReturnType<typeof createTempMysqlDb>>
  let llm: FakeLlm
  const booted: B[] = []
  beforeAll(async () => {
    ;[db, llm] = await Promise.all([createTempMysqlDb(), startFakeLlm()])
  })
  afterEach(async () => {
    await Promise.all(booted.splice(0).map((b) => b.close({ keepData: true })))
    llm.onChat(null)
    llm.reset()
  })
  afterAll(async () => {
    await llm?.close()
    await db?.drop()
  })
  let more: (() => Promise<B>) | undefined
  return {
    get llm() {
      return llm
    },
    /** Two processes of a new team. */
    async pair(): Promise<[B, B]> {
      const dataDir = tempDir()
      const prefix = `agenta-test-${randomBytes(4).toString('hex')}:`
      more = async () => {
        const b = await boot({
          dataDir,
          store: { kind: 'mysql', url: db.url },
          coordination: redisCoordination({ url: REDIS_URL, prefix }),
          shutdown: { graceMs: 0 }
        })
        booted.push(b)
        return b
      }
      return [await more(), await more()]
    },
    /** Another process of the last pair's team. */
    more: () => more!(),
    /** Closes the i-th process of this test (0 and 1 are the pair) while the others go on. */
    close: (i: number) => booted[i].close({ keepData: true })
  }
}
