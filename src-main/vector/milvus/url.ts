import { AppError } from '../../contract/errors'
import type { MilvusStoreOptions } from './store'

export const DEFAULT_MILVUS_PORT = 19530
export const DEFAULT_COLLECTION_PREFIX = 'agenta_'

/**
 * The `--vector` option's form of the Milvus store's options, one string for `agenta serve` and
 * `agenta migrate-data`:
 *
 *   milvus://[user[:password]@]host[:port][/database][?prefix=agenta_]
 *   milvus+tls://…   the same over TLS (Zilliz Cloud, a Milvus behind a TLS proxy)
 *
 * An API token does not belong in a URL (process lists, shell history): pass it as `token`
 * from the environment (e.g. MILVUS_TOKEN) next to this.
 */
export function parseMilvusUrl(text: string): Omit<MilvusStoreOptions, 'token' | 'client'> {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw invalid(text, 'not a URL')
  }
  const tls = url.protocol === 'milvus+tls:'
  if (url.protocol !== 'milvus:' && !tls) throw invalid(text, `the scheme must be milvus:// or milvus+tls://, not ${url.protocol}//`)
  if (!url.hostname) throw invalid(text, 'no host')
  const hostPort = `${url.hostname}:${url.port || DEFAULT_MILVUS_PORT}`
  const database = decodeURIComponent(url.pathname.replace(/^\/+|\/+$/g, ''))
  if (database.includes('/')) throw invalid(text, 'the path is one database name')
  for (const key of url.searchParams.keys()) if (key !== 'prefix') throw invalid(text, `unknown parameter "${key}" (only prefix)`)
  return {
    address: tls ? `https://${hostPort}` : hostPort,
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ...(database ? { database } : {}),
    collectionPrefix: url.searchParams.get('prefix') ?? DEFAULT_COLLECTION_PREFIX
  }
}

function invalid(text: string, why: string): AppError {
  // The password, if any, stays out of the message.
  const shown = text.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@')
  return new AppError('validation_failed', `Invalid Milvus URL "${shown}": ${why}`)
}
