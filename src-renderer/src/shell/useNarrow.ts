import { useSyncExternalStore } from 'react'

/** Below this width the sidebar becomes a drawer (phones, narrow windows): the content gets the whole width. */
export const NARROW_QUERY = '(max-width: 767px)'

const query = () => window.matchMedia(NARROW_QUERY)
const subscribe = (notify: () => void) => {
  const q = query()
  q.addEventListener('change', notify)
  return () => q.removeEventListener('change', notify)
}

export function useNarrow(): boolean {
  return useSyncExternalStore(subscribe, () => query().matches)
}
