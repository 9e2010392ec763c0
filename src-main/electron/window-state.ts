/** Size and place of the main window, kept in the settings table under WINDOW_STATE_KEY. */
export interface WindowState {
  x?: number
  y?: number
  width: number
  height: number
  maximized: boolean
}

export interface Rect {
  x: number
  y: number
  width: number
  height: number
}

export const WINDOW_STATE_KEY = 'window.main'
export const DEFAULT_WINDOW_STATE: WindowState = { width: 1280, height: 820, maximized: false }
export const MIN_WINDOW_SIZE = { width: 900, height: 600 } as const

/** Enough of the title bar must stay on a screen for the user to grab it. */
const GRAB_WIDTH = 100
const TITLE_BAR = 40

/**
 * Turns what was saved (possibly damaged, from an older version, or from a monitor that is no
 * longer attached) into bounds that show the window on one of today's screens. Position is dropped,
 * not clamped, when it is off every screen: the OS then centres the window.
 */
export function restoreWindowState(saved: unknown, workAreas: readonly Rect[]): WindowState {
  const s = (saved && typeof saved === 'object' ? saved : {}) as Record<string, unknown>
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? Math.round(v) : undefined)
  const largest = workAreas.reduce((a, r) => ({ width: Math.max(a.width, r.width), height: Math.max(a.height, r.height) }), { width: 0, height: 0 })
  // A screen smaller than the minimum wins over the minimum: the window must fit.
  const fit = (v: number | undefined, min: number, fallback: number, max: number) => Math.min(Math.max(v ?? fallback, min), max || Infinity)
  const width = fit(num(s.width), MIN_WINDOW_SIZE.width, DEFAULT_WINDOW_STATE.width, largest.width)
  const height = fit(num(s.height), MIN_WINDOW_SIZE.height, DEFAULT_WINDOW_STATE.height, largest.height)
  const state: WindowState = { width, height, maximized: s.maximized === true }
  const x = num(s.x)
  const y = num(s.y)
  if (x !== undefined && y !== undefined && titleBarVisible({ x, y, width, height }, workAreas)) {
    state.x = x
    state.y = y
  }
  return state
}

function titleBarVisible(win: Rect, workAreas: readonly Rect[]): boolean {
  return workAreas.some((area) => {
    const left = Math.max(win.x, area.x)
    const right = Math.min(win.x + win.width, area.x + area.width)
    const topInside = win.y >= area.y && win.y + TITLE_BAR <= area.y + area.height
    return topInside && right - left >= GRAB_WIDTH
  })
}
