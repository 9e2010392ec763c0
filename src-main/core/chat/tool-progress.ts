import type { ToolProgress } from '../../contract/chat'

/** A call's progress goes out at most this often: a person reads "2 of 4", not every step of 10,000. */
export const PROGRESS_EVERY_MS = 100

/**
 * Passes a tool call's progress reports on at most once per `everyMs`, the newest winning: a
 * server may report thousands a second, and each report is a frame to every client watching and
 * a re-render of the step. `end()` (the call is over) drops a report still waiting, so none
 * arrives after the call's result.
 */
export function throttledProgress(send: (p: ToolProgress) => void, everyMs = PROGRESS_EVERY_MS) {
  let sentAt = -Infinity
  let waiting: ToolProgress | undefined
  let timer: NodeJS.Timeout | undefined
  const flush = () => {
    timer = undefined
    sentAt = Date.now()
    const p = waiting!
    waiting = undefined
    send(p)
  }
  return {
    report(p: ToolProgress) {
      waiting = p
      if (timer) return
      const wait = sentAt + everyMs - Date.now()
      if (wait <= 0) flush()
      else timer = setTimeout(flush, wait)
    },
    end() {
      clearTimeout(timer)
      timer = undefined
      waiting = undefined
    }
  }
}
