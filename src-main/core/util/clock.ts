let last = 0

/**
 * Epoch milliseconds that never repeat or go back within this process: messages of one turn are
 * written within the same millisecond and must still sort in the order they were said.
 */
export function tick(): number {
  const now = Date.now()
  last = now > last ? now : last + 1
  return last
}
