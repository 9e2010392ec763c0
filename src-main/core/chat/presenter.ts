import type { WaitForDigitalHuman } from '../../contract/chat'
import type { ClientHub } from './client-hub'
import type { WaitOutcome } from './waits'

/**
 * What a speaking client (a digital human) plugs into a turn. The turn hands it each piece the
 * avatar must say — an answer, the text before a tool call, one step of an explainer — and goes on
 * only once `present` resolves, so the next step is not shown before the avatar has finished.
 */
export interface Presenter {
  /**
   * Each sentence of what the avatar will say, as soon as it ends (the first while the answer still
   * streams), for a presenter that speaks as the text comes (e.g. one sentence at a time to a
   * LiveTalking service). Optional: the control socket's client gets them as `sentence` chunks.
   */
  sentence?(s: { index: number; text: string }): void
  /** Resolves once the avatar has said `text` (whose sentences came before), or at once when nobody can. */
  present(text: string, opts: PresentOptions): Promise<PresentOutcome>
}

export interface PresentOptions {
  /** The turn's signal: a stopped turn stops waiting. */
  signal: AbortSignal
  /** Of an explainer's steps: which (1-based) and how many. */
  step?: { index: number; count: number }
  /** Called when the presenter starts waiting for the avatar (the turn reports the wait). */
  onWait?(waitId: string): void
}

/** `answered`: the avatar finished (with what it reported); `skipped`: nobody could speak it, so nothing waited. */
export type PresentOutcome = WaitOutcome | { status: 'skipped' }

/**
 * The original protocol's presenter: `wait_for_digitalhuman {wait_id, text, step?}` to the control
 * socket, then wait for its `digitalhuman_completion`. Only a connected socket can answer, so none
 * connected means no wait at all (a kiosk without a socket must not hold `[DONE]` for 300 s), and a
 * socket that disconnects mid-wait ends the wait at once (`ClientHub.waitOn`).
 */
export function controlSocketPresenter(clients: ClientHub, clientId: string, opts: { timeoutMs: number }): Presenter {
  return {
    async present(text, { signal, step, onWait }) {
      if (!clients.has(clientId)) return { status: 'skipped' }
      return clients.waitOn(clientId, {
        signal,
        timeoutMs: opts.timeoutMs,
        start: (waitId) => {
          onWait?.(waitId)
          const payload: WaitForDigitalHuman = { wait_id: waitId, text, ...(step && { step }) }
          clients.send(clientId, 'wait_for_digitalhuman', payload)
        }
      })
    }
  }
}
