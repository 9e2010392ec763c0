import { streams } from '../contract/api'
import { IPC_CHANNELS, type BridgeResult, type BridgeStreamMessage } from '../contract/bridge'
import type { TurnEvent } from '../contract/chat'
import { AppError, toAppError, validationError } from '../contract/errors'
import { dispatchSafe, type DispatchTarget } from '../core/dispatch'
import { ownerContext } from '../core/context'
import type { StudioEvents } from '../core/events'
import { isRendererUrl, isTrustedSender, type RendererLocation } from './trust'
import type { IpcHost, IpcInvokeEvent, IpcSendEvent } from './platform'
import { log } from '../base/log'

/**
 * One IPC call: refused before anything is parsed if the sender is not trusted, then the same
 * dispatch as the REST routes (contract validation in and out), folded into a BridgeResult so the
 * renderer never sees a rejected promise or a stack trace.
 */
export async function handleCall(target: DispatchTarget, trusted: boolean, name: unknown, input: unknown): Promise<BridgeResult> {
  if (!trusted) return { ok: false, error: new AppError('forbidden', 'This page may not call the studio').toBody().error }
  if (typeof name !== 'string') return { ok: false, error: new AppError('bad_request', 'The method name must be a string').toBody().error }
  // The desktop's own window is its owner: the one person of a desktop, with every right.
  const result = await dispatchSafe(target, name, input, ownerContext())
  return result.ok ? result : { ok: false, error: result.error.toBody().error }
}

/** The part of the chat service a streamed turn needs (the runtime's `chat`). */
export interface TurnStarter {
  startTurn(req: { sessionId: string; message?: string; regenerate?: boolean; editMessageId?: string; clientId?: string; interactive?: boolean }): Promise<{
    events: AsyncIterable<TurnEvent>
    cancel(): void
  }>
}

/**
 * One streamed call: validated like a call, then every event of the turn as a message, ending with
 * exactly one `end` or `error`. Returns the function that cancels the turn.
 */
export function runStream(chat: TurnStarter, trusted: boolean, name: unknown, input: unknown, send: (message: BridgeStreamMessage) => void): () => void {
  let cancelled = false
  let cancelTurn: (() => void) | undefined
  void (async () => {
    try {
      if (!trusted) throw new AppError('forbidden', 'This page may not call the studio')
      if (name !== 'chat.turn') throw new AppError('not_found', `No stream named ${String(name)}`)
      const parsed = streams[name].input.safeParse(input ?? {})
      if (!parsed.success) throw validationError(parsed.error)
      // Same as the HTTP route: the studio answers waits itself, so its turns may ask.
      const turn = await chat.startTurn({ ...parsed.data, interactive: true })
      cancelTurn = () => turn.cancel()
      if (cancelled) turn.cancel()
      for await (const event of turn.events) send({ type: 'event', event })
      send({ type: 'end' })
    } catch (err) {
      send({ type: 'error', error: toAppError(err).toBody().error })
    }
  })()
  return () => {
    cancelled = true
    cancelTurn?.()
  }
}

const ourIds = (host: IpcHost) => new Set(host.contents().map((c) => c.id))

/**
 * Serves the bridge's one channel and pushes core events to every studio window. Returns the
 * function that undoes both (the app calls it while quitting so no call reaches a closing core).
 */
export function registerIpc(runtime: DispatchTarget & { events: StudioEvents; chat?: TurnStarter }, loc: RendererLocation, host: IpcHost): () => void {
  const { ipcMain } = host
  ipcMain.handle(IPC_CHANNELS.call, (event: IpcInvokeEvent, name: unknown, input: unknown) => {
    const trusted = isTrustedSender(event, ourIds(host), loc)
    if (!trusted) log.warn({ name: String(name), from: event.senderFrame?.url ?? 'a destroyed frame' }, 'refused an IPC call')
    return handleCall(runtime, trusted, name, input)
  })
  // Streams are keyed by window and the renderer's id; a closed window cancels its turns.
  const running = new Map<string, () => void>()
  const watched = new WeakSet<object>()
  const onStreamStart = (event: IpcSendEvent, id: unknown, name: unknown, input: unknown) => {
    const sender = event.sender
    const key = `${sender.id}:${String(id)}`
    const trusted = isTrustedSender(event, ourIds(host), loc) && typeof id === 'string' && !!runtime.chat
    if (!trusted) log.warn({ name: String(name), from: event.senderFrame?.url ?? 'a destroyed frame' }, 'refused an IPC stream')
    const send = (message: BridgeStreamMessage) => {
      if (message.type !== 'event') running.delete(key)
      if (!sender.isDestroyed()) sender.send(IPC_CHANNELS.streamMessage, id, message)
    }
    const cancel = runStream(runtime.chat ?? { startTurn: () => Promise.reject(new AppError('internal', 'Chat is not available')) }, trusted, name, input, send)
    if (!trusted) return
    running.set(key, cancel)
    if (watched.has(sender)) return
    watched.add(sender)
    const prefix = `${sender.id}:`
    sender.once('destroyed', () => {
      for (const [k, stop] of running) if (k.startsWith(prefix)) stop()
    })
  }
  const onStreamCancel = (event: IpcSendEvent, id: unknown) => {
    const key = `${event.sender.id}:${String(id)}`
    running.get(key)?.()
    running.delete(key)
  }
  ipcMain.on(IPC_CHANNELS.streamStart, onStreamStart)
  ipcMain.on(IPC_CHANNELS.streamCancel, onStreamCancel)

  const unsubscribe = runtime.events.subscribe((name, payload) => {
    for (const contents of host.contents()) {
      // A window that somehow shows a foreign page must not receive studio data.
      if (isRendererUrl(contents.getURL(), loc)) contents.send(IPC_CHANNELS.event, name, payload)
    }
  })
  return () => {
    ipcMain.removeHandler(IPC_CHANNELS.call)
    ipcMain.removeListener(IPC_CHANNELS.streamStart, onStreamStart)
    ipcMain.removeListener(IPC_CHANNELS.streamCancel, onStreamCancel)
    for (const cancel of running.values()) cancel()
    running.clear()
    unsubscribe()
  }
}

/** The kiosk window's opener (kiosk-window.ts `KioskWindows`), as the IPC handler needs it. */
export interface KioskOpener {
  open(input: unknown): Promise<{ url: string }>
}

/**
 * `agenta:kiosk-open`: refused for any sender but our studio page (as every call), then validated
 * by the kiosk's zod schema (OpenKioskInput); errors come back as values, like calls.
 */
export async function handleKioskOpen(kiosk: KioskOpener, trusted: boolean, input: unknown): Promise<BridgeResult> {
  if (!trusted) return { ok: false, error: new AppError('forbidden', 'This page may not open a kiosk').toBody().error }
  try {
    return { ok: true, data: await kiosk.open(input) }
  } catch (err) {
    return { ok: false, error: toAppError(err).toBody().error }
  }
}

/** The team window's opener (team-window.ts `TeamWindows`). */
export interface TeamOpener {
  open(input: unknown): Promise<{ origin: string }>
}

/** `agenta:team-open`: our studio page only, then the team window's own checks (a checked, remembered origin). */
export async function handleTeamOpen(team: TeamOpener, trusted: boolean, input: unknown): Promise<BridgeResult> {
  if (!trusted) return { ok: false, error: new AppError('forbidden', 'This page may not change the studio window').toBody().error }
  try {
    return { ok: true, data: await team.open(input) }
  } catch (err) {
    return { ok: false, error: toAppError(err).toBody().error }
  }
}

export function registerTeamIpc(team: TeamOpener, loc: RendererLocation, host: IpcHost): () => void {
  host.ipcMain.handle(IPC_CHANNELS.teamOpen, (event: IpcInvokeEvent, input: unknown) => {
    const trusted = isTrustedSender(event, ourIds(host), loc)
    if (!trusted) log.warn({ from: event.senderFrame?.url ?? 'a destroyed frame' }, 'refused to show a team server')
    return handleTeamOpen(team, trusted, input)
  })
  return () => host.ipcMain.removeHandler(IPC_CHANNELS.teamOpen)
}

export function registerKioskIpc(kiosk: KioskOpener, loc: RendererLocation, host: IpcHost): () => void {
  host.ipcMain.handle(IPC_CHANNELS.kioskOpen, (event: IpcInvokeEvent, input: unknown) => {
    const trusted = isTrustedSender(event, ourIds(host), loc)
    if (!trusted) log.warn({ from: event.senderFrame?.url ?? 'a destroyed frame' }, 'refused to open a kiosk')
    return handleKioskOpen(kiosk, trusted, input)
  })
  return () => host.ipcMain.removeHandler(IPC_CHANNELS.kioskOpen)
}
