/**
 * The abort reason of turns stopped because the app shuts down (not by their caller): the turn
 * keeps its partial answer as "stopped" and notes this message on it.
 */
export class TurnInterrupted extends Error {
  override name = 'AbortError'
  constructor() {
    super('Interrupted: the app shut down before this answer was finished')
  }
}

/** The note a turn's kept answer carries when shutdown stopped it; nothing otherwise. */
export function interruption(signal: AbortSignal): { error?: string } {
  return signal.reason instanceof TurnInterrupted ? { error: signal.reason.message } : {}
}
