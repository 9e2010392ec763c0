import type { Kysely } from 'kysely'
import type { z } from 'zod'
import type { AuditEntry, AuditQuery } from '../../contract/accounts'
import { endpoints, type EndpointName } from '../../contract/api'
import type { DB } from '../../store/schema'
import { actorOf, type RequestContext } from '../context'
import { newId } from '../util/ids'

/** The families whose changes are recorded: agents, tools, knowledge bases, providers (and models), people and their tokens. */
const AUDITED = new Set(['agents', 'tools', 'knowledgeBases', 'providers', 'models', 'users', 'invites', 'tokens', 'settings'])
/** Calls that are POSTs but change nothing. */
const READS = /\.(search|test|testConfig)$/

export function isAudited(name: EndpointName): boolean {
  return endpoints[name].method !== 'GET' && AUDITED.has(name.split('.')[0]!) && !READS.test(name)
}

const idOf = (v: unknown): string | null => {
  const id = v && typeof v === 'object' ? (v as { id?: unknown }).id : undefined
  return typeof id === 'string' ? id : null
}

export type AuditActor = { id: string; name: string }
/** What a service records itself, where the endpoint's name would not say what happened (the kiosk PIN's set / change / reset, a lock). */
export type AuditNote = (actor: AuditActor, action: string, targetId?: string | null) => Promise<void>

/** Who changed what, and when: one row per successful change, written by dispatch after the call. */
export function auditLog(db: Kysely<DB>) {
  const note: AuditNote = async (actor, action, targetId = null) => {
    await db
      .insertInto('audit_log')
      .values({ id: newId(), at: Date.now(), actor_id: actor.id, actor_name: actor.name.slice(0, 255), action, target_id: targetId })
      .execute()
  }
  return {
    async record(ctx: RequestContext, name: EndpointName, input: unknown, output: unknown): Promise<void> {
      if (!isAudited(name)) return
      await note(actorOf(ctx.principal), name, idOf(input) ?? idOf(output))
    },
    note,
    async list(q: z.output<typeof AuditQuery>): Promise<AuditEntry[]> {
      let query = db.selectFrom('audit_log').selectAll().orderBy('at', 'desc').limit(q.limit)
      if (q.before !== undefined) query = query.where('at', '<', q.before)
      return (await query.execute()).map((r) => ({
        id: r.id,
        at: Number(r.at),
        actorId: r.actor_id,
        actorName: r.actor_name,
        action: r.action,
        targetId: r.target_id
      }))
    }
  }
}
