import { BrowserWindow, ipcMain, type IpcMainInvokeEvent } from 'electron'
import type { ApiHandlers } from '../contract/api'
import { IPC_CHANNELS, type BridgeResult } from '../contract/bridge'
import { AppError } from '../contract/errors'
import { dispatchSafe } from '../core/dispatch'
import type { StudioEvents } from '../core/events'
import { isRendererUrl, isTrustedSender, type RendererLocation } from './trust'

/**
 * One IPC call: refused before anything is parsed if the sender is not trusted, then the same
 * dispatch as the REST routes (contract validation in and out), folded into a BridgeResult so the
 * renderer never sees a rejected promise or a stack trace.
 */
export async function handleCall(handlers: ApiHandlers, trusted: boolean, name: unknown, input: unknown): Promise<BridgeResult> {
  if (!trusted) return { ok: false, error: new AppError('forbidden', 'This page may not call the studio').toBody().error }
  if (typeof name !== 'string') return { ok: false, error: new AppError('bad_request', 'The method name must be a string').toBody().error }
  const result = await dispatchSafe(handlers, name, input)
  return result.ok ? result : { ok: false, error: result.error.toBody().error }
}

function ourWindows(): BrowserWindow[] {
  return BrowserWindow.getAllWindows().filter((w) => !w.isDestroyed() && !w.webContents.isDestroyed())
}

/**
 * Serves the bridge's one channel and pushes core events to every studio window. Returns the
 * function that undoes both (the app calls it while quitting so no call reaches a closing core).
 */
export function registerIpc(runtime: { handlers: ApiHandlers; events: StudioEvents }, loc: RendererLocation): () => void {
  ipcMain.handle(IPC_CHANNELS.call, (event: IpcMainInvokeEvent, name: unknown, input: unknown) => {
    const ids = new Set(ourWindows().map((w) => w.webContents.id))
    const trusted = isTrustedSender(event, ids, loc)
    if (!trusted) console.warn(`[agenta] refused IPC call ${String(name)} from ${event.senderFrame?.url ?? 'a destroyed frame'}`)
    return handleCall(runtime.handlers, trusted, name, input)
  })
  const unsubscribe = runtime.events.subscribe((name, payload) => {
    for (const win of ourWindows()) {
      // A window that somehow shows a foreign page must not receive studio data.
      if (isRendererUrl(win.webContents.getURL(), loc)) win.webContents.send(IPC_CHANNELS.event, name, payload)
    }
  })
  return () => {
    ipcMain.removeHandler(IPC_CHANNELS.call)
    unsubscribe()
  }
}
