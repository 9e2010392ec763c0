import type { Request, Response } from 'express'
import { sql } from 'kysely'
import type { Runtime } from '../core/runtime'
import { log } from '../base/log'

/** A check that has not answered by then counts as failed: a load balancer must not hang on us. */
const CHECK_TIMEOUT_MS = 3_000

type Check = { ok: true; kind: string } | { ok: false; kind: string; error: string }

async function check(name: string, kind: string, probe: () => Promise<unknown>): Promise<Check> {
  let timer: NodeJS.Timeout | undefined
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS)
      })
    ])
    return { ok: true, kind }
  } catch (err) {
    log.warn({ err, engine: name }, 'readiness check failed')
    const e = err as NodeJS.ErrnoException
    // The code or first line says what kind of failure; hosts and passwords stay in the log.
    return {
      ok: false,
      kind,
      error:
        e.code ??
        String(e.message ?? e)
          .split('\n')[0]
          .slice(0, 200)
    }
  } finally {
    clearTimeout(timer)
  }
}

/**
 * `/readyz`: whether this process can serve now — the database and, on a team server, Redis
 * answer. 200 `{ok:true, checks}`, or 503 `{ok:false, failed:[…], checks}` naming the engine that
 * did not. (`/healthz` only says the process is alive.)
 */
export function readiness(runtime: Runtime) {
  return async (_req: Request, res: Response) => {
    const { store, coordination } = runtime
    const checks: Record<string, Check> = {
      database: await check('database', store.kind, () => sql`select 1`.execute(store.db))
    }
    if (coordination.kind !== 'memory') checks.redis = await check('redis', coordination.kind, () => coordination.ping())
    const failed = Object.entries(checks)
      .filter(([, c]) => !c.ok)
      .map(([name]) => name)
    res.setHeader('Cache-Control', 'no-store')
    res.status(failed.length ? 503 : 200).json(failed.length ? { ok: false, failed, checks } : { ok: true, checks })
  }
}
