import type { Kysely } from 'kysely'
import type { FirstRunStatus, LocalModelServer } from '../../contract/onboarding'
import type { DB } from '../../store/schema'

/**
 * A newcomer's first steps, read from the studio's real state: the checklist ticks itself
 * when a chat model, an agent and a first answer exist, however they were made.
 */
export async function firstRunStatus(db: Kysely<DB>): Promise<FirstRunStatus> {
  const count = (rows: { n: number | string | bigint }[]) => Number(rows[0]?.n ?? 0)
  const [chatModels, agents, answers] = await Promise.all([
    db
      .selectFrom('models')
      .innerJoin('providers', 'providers.id', 'models.provider_id')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('models.type', '=', 'chat')
      .where('models.enabled', '=', 1)
      .where('providers.enabled', '=', 1)
      .execute(),
    db
      .selectFrom('agents')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .execute(),
    // One answer is enough to tick "chat": no need to count a long history.
    db.selectFrom('messages').select('id').where('role', '=', 'assistant').limit(1).execute()
  ])
  return { chatModels: count(chatModels), agents: count(agents), answers: answers.length }
}

export interface LocalServerTarget {
  kind: LocalModelServer['kind']
  name: string
  baseUrl: string
}

/** Where Ollama and LM Studio listen by default (their OpenAI-compatible /v1). */
export const defaultLocalServers: LocalServerTarget[] = [
  { kind: 'ollama', name: 'Ollama', baseUrl: 'http://127.0.0.1:11434/v1' },
  { kind: 'lmstudio', name: 'LM Studio', baseUrl: 'http://127.0.0.1:1234/v1' }
]

/** Model ids from an OpenAI-style `/models` answer, or null when it is not one. */
function modelIds(body: unknown): string[] | null {
  const data = (body as { data?: unknown } | null)?.data
  if (!Array.isArray(data)) return null
  return data.flatMap((m) => (typeof (m as { id?: unknown })?.id === 'string' ? [(m as { id: string }).id] : []))
}

/**
 * Asks each local model server for its models, all at once and each within `timeoutMs`, so a
 * port where nothing listens (the usual case) costs a refused connection and nothing more.
 */
export async function probeLocalServers(db: Kysely<DB>, targets: LocalServerTarget[] = defaultLocalServers, timeoutMs = 1500): Promise<LocalModelServer[]> {
  const providers = await db.selectFrom('providers').select(['id', 'base_url']).execute()
  const norm = (u: string) => u.replace(/\/+$/, '').replace('//localhost:', '//127.0.0.1:')
  const found = await Promise.all(
    targets.map(async (t): Promise<LocalModelServer | null> => {
      try {
        const res = await fetch(`${t.baseUrl}/models`, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } })
        if (!res.ok) return null
        const models = modelIds(await res.json())
        if (!models) return null
        const providerId = providers.find((p) => norm(p.base_url) === norm(t.baseUrl))?.id ?? null
        return { kind: t.kind, name: t.name, baseUrl: t.baseUrl, models, providerId }
      } catch {
        return null
      }
    })
  )
  return found.filter((s): s is LocalModelServer => s !== null)
}
