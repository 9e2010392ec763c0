import { useCallback, useEffect, useRef, useSyncExternalStore } from 'react'

export const AREAS = ['agents', 'chat', 'models', 'tools', 'knowledge', 'digitalHumans', 'employees', 'memory', 'usage', 'people', 'settings'] as const
export type Area = (typeof AREAS)[number]

const isArea = (v: string): v is Area => (AREAS as readonly string[]).includes(v)

// The area lives in the hash (#/models): it survives reloads, works from file:// in Electron and
// needs no server routes. An optional second segment names the item (#/agents/<id>, #/chat/<agentId>).
// The screens follow `committed`, not the address bar: a leave guard (unsaved edits) may refuse a
// change of address, and the screen must not unmount in the meantime.
let committed = window.location.hash
const segments = () => committed.replace(/^#\/?/, '').split('/')
const current = (): Area => {
  const v = segments()[0]
  return isArea(v) ? v : 'agents'
}
const currentParam = (): string | null => {
  const [area, param] = segments()
  return isArea(area) && param ? decodeURIComponent(param) : null
}

const listeners = new Set<() => void>()
const commit = (hash: string) => {
  committed = hash
  for (const notify of listeners) notify()
}

/** A screen with unsaved work: asked before the route changes (in-app links, back and forward). */
export interface LeaveGuard {
  /** true = leave (and lose the edits), false = stay. */
  confirm(): Promise<boolean>
}
let guard: LeaveGuard | null = null
let asking = false

/** Sets the guard while the screen is dirty; returns the function that removes it. */
export function setLeaveGuard(next: LeaveGuard): () => void {
  guard = next
  return () => {
    if (guard === next) guard = null
  }
}

async function mayLeave(): Promise<boolean> {
  if (!guard) return true
  if (asking) return false
  asking = true
  try {
    return await guard.confirm()
  } finally {
    asking = false
  }
}

window.addEventListener('hashchange', () => {
  const next = window.location.hash
  if (next === committed) return
  if (!guard) return commit(next)
  // Back, forward or an edited address: the address bar already moved. Put the guarded address
  // back while asking; on "leave", move on without a second history entry.
  window.history.pushState(null, '', committed || window.location.pathname + window.location.search)
  void mayLeave().then((leave) => {
    if (!leave) return
    window.history.replaceState(null, '', next)
    commit(next)
  })
})

const subscribe = (notify: () => void) => {
  listeners.add(notify)
  return () => listeners.delete(notify)
}

const hashFor = (next: Area, param?: string | null) => (param ? `#/${next}/${encodeURIComponent(param)}` : `#/${next}`)

export const routeTo = (next: Area, param?: string | null) => {
  const hash = hashFor(next, param)
  if (hash === committed) return
  void mayLeave().then((leave) => {
    if (!leave) return
    window.location.hash = hash
    // The address as the browser spells it, so the hashchange that follows finds nothing new.
    commit(window.location.hash)
  })
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

/**
 * Keeps unsaved work from being lost: while `dirty`, leaving the route asks `confirm` first, and a
 * reload or closing the tab gets the browser's own "leave site?" prompt.
 */
export function useLeaveGuard(dirty: boolean, confirm: () => Promise<boolean>) {
  const ask = useRef(confirm)
  ask.current = confirm
  useEffect(() => {
    if (!dirty) return
    const remove = setLeaveGuard({ confirm: () => ask.current() })
    const onUnload = (e: BeforeUnloadEvent) => {
      e.preventDefault()
      // Older Chromium (and Electron) still look at returnValue.
      e.returnValue = ''
    }
    window.addEventListener('beforeunload', onUnload)
    return () => {
      remove()
      window.removeEventListener('beforeunload', onUnload)
    }
  }, [dirty])
}
