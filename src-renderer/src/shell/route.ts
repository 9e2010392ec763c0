import { useCallback, useSyncExternalStore } from 'react'

export const AREAS = ['agents', 'chat', 'models', 'tools', 'knowledge', 'employees', 'settings'] as const
export type Area = (typeof AREAS)[number]

const isArea = (v: string): v is Area => (AREAS as readonly string[]).includes(v)

// The area lives in the hash (#/models): it survives reloads, works from file:// in Electron and
// needs no server routes.
const current = (): Area => {
  const v = window.location.hash.replace(/^#\/?/, '')
  return isArea(v) ? v : 'agents'
}

const subscribe = (notify: () => void) => {
  window.addEventListener('hashchange', notify)
  return () => window.removeEventListener('hashchange', notify)
}

export function useRoute(): [Area, (next: Area) => void] {
  const area = useSyncExternalStore(subscribe, current)
  const go = useCallback((next: Area) => {
    window.location.hash = `/${next}`
  }, [])
  return [area, go]
}
