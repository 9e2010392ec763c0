import type { QueryClient } from '@tanstack/react-query'
import type { Api } from '../api/client'

/** What a mutation needs: the connection to call and the cache to update with the answer (a Studio is one). */
export interface ServerState {
  connection: { api: Api }
  queries: QueryClient
}
