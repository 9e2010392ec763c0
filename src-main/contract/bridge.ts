import type { ErrorBody } from './errors'

/**
 * What the preload script exposes as `window.agenta` (Electron only). The renderer's IPC
 * transport is built on it; in a browser it is absent and the HTTP transport is used instead.
 */
export type BridgeResult = { ok: true; data: unknown } | { ok: false; error: ErrorBody['error'] }

export interface AgentaBridge {
  readonly host: 'electron'
  /** Calls one endpoint of the contract by name. Never rejects: errors come back as values. */
  call(name: string, input: unknown): Promise<BridgeResult>
  /** Studio events from the core; returns the unsubscribe function. */
  onEvent(listener: (name: string, payload: unknown) => void): () => void
  /**
   * Starts a streaming call (`streams` in the contract). Messages arrive in order and end with
   * exactly one `end` or `error`; the returned function cancels (the core stops the work).
   */
  stream(name: string, input: unknown, onMessage: (message: BridgeStreamMessage) => void): () => void
  /** The path on disk of a file dropped into the window ('' for files that are not on disk). */
  pathForFile(file: File): string
  /** Opens a published agent's kiosk full screen on this computer (OpenKioskInput). Never rejects. Optional: older preloads lack it. */
  openKiosk?(input: unknown): Promise<BridgeResult>
  /** Shows a checked team server's studio in place of this one ({ origin }, electron/team-window.ts). Never rejects. Optional: older preloads lack it. */
  openTeamServer?(input: unknown): Promise<BridgeResult>
}

export type BridgeStreamMessage = { type: 'event'; event: unknown } | { type: 'end' } | { type: 'error'; error: ErrorBody['error'] }

/** IPC channel names, shared by the preload and the main process. */
export const IPC_CHANNELS = {
  call: 'agenta:call',
  event: 'agenta:event',
  /** renderer → main: (streamId, name, input) */
  streamStart: 'agenta:stream-start',
  /** renderer → main: (streamId) */
  streamCancel: 'agenta:stream-cancel',
  /** main → renderer: (streamId, BridgeStreamMessage) */
  streamMessage: 'agenta:stream-message',
  /** renderer → main, invoke: (OpenKioskInput) → BridgeResult */
  kioskOpen: 'agenta:kiosk-open',
  /** renderer → main, invoke: ({ origin }) → BridgeResult */
  teamOpen: 'agenta:team-open'
} as const
