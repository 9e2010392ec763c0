import { useCallback, useSyncExternalStore } from 'react'

export const AREAS = ['agents', 'chat', 'models', 'tools', 'knowledge', 'employees', 'memory', 'settings'] as const
export type Area = (typeof AREAS)[number]

const isArea = (v: string): v is Area => (AREAS as readonly string[]).includes(v)

// The area lives in the hash (#/models): it survives reloads, works from file:// in Electron and
// needs no server routes. An optional second segment names the item (#/agents/<id>, #/chat/<agentId>).
const segments = () => window.location.hash.replace(/^#\/?/, '').split('/')
const current = (): Area => {
  const v = segments()[0]
  return isArea(v) ? v : 'agents'
}
const currentParam = (): string | null => {
  const [area, param] = segments()
  return isArea(area) && param ? decodeURIComponent(param) : null
}

const subscribe = (notify: () => void) => {
  window.addEventListener('hashchange', notify)
  return () => window.removeEventListener('hashchange', notify)
}

export const routeTo = (next: Area, param?: string | null) => {
  window.location.hash = param ? `/${next}/${encodeURIComponent(param)}` : `/${next}`
}

export function useRoute(): [Area, (next: Area, param?: string | null) => void] {
  const area = useSyncExternalStore(subscribe, current)
  const go = useCallback((next: Area, param?: string | null) => routeTo(next, param), [])
  return [area, go]
}

/** The item the route names within its area, or null. */
export function useRouteParam(): string | null {
  return useSyncExternalStore(subscribe, currentParam)
}
