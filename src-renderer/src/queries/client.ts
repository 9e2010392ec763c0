import { QueryClient } from '@tanstack/react-query'

/**
 * The renderer's one cache of server state. Queries refetch when a screen mounts (as its store
 * once loaded on mount) and when a studio event invalidates them (`events.ts`); not on window
 * focus, and a failure shows at once instead of after retries.
 */
export const createQueryClient = (): QueryClient =>
  new QueryClient({
    defaultOptions: {
      queries: { retry: false, refetchOnWindowFocus: false, refetchOnReconnect: false },
      mutations: { retry: false }
    }
  })
