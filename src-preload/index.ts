import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron'
import { IPC_CHANNELS, type AgentaBridge, type BridgeResult, type BridgeStreamMessage } from '../src-main/contract/bridge'

/**
 * The whole surface the studio's pages get from Electron: one object with one way in (call) and
 * one way out (onEvent). ipcRenderer itself is never exposed — with it a page could send on any
 * channel — and listeners never receive the IpcRendererEvent, which carries `sender` (ipcRenderer).
 * This file must stay free of runtime imports other than electron: the sandboxed preload is one
 * bundled CommonJS file with no access to node_modules.
 */
let streamSeq = 0

const bridge: AgentaBridge = {
  host: 'electron',
  async call(name: string, input: unknown): Promise<BridgeResult> {
    try {
      return (await ipcRenderer.invoke(IPC_CHANNELS.call, name, input)) as BridgeResult
    } catch (err) {
      // invoke rejects when the input cannot be cloned (a function, a DOM node) or the app is
      // quitting; the contract promises a value, never a rejection.
      return { ok: false, error: { code: 'internal', message: err instanceof Error ? err.message : 'The studio did not answer' } }
    }
  },
  onEvent(listener: (name: string, payload: unknown) => void): () => void {
    const forward = (_event: IpcRendererEvent, name: string, payload: unknown) => listener(name, payload)
    ipcRenderer.on(IPC_CHANNELS.event, forward)
    return () => {
      ipcRenderer.removeListener(IPC_CHANNELS.event, forward)
    }
  },
  stream(name: string, input: unknown, onMessage: (message: BridgeStreamMessage) => void): () => void {
    // Ids only need to be unique per window: the main process keys streams by sender and id.
    const id = `s${++streamSeq}`
    let open = true
    const close = () => {
      open = false
      ipcRenderer.removeListener(IPC_CHANNELS.streamMessage, forward)
    }
    const forward = (_event: IpcRendererEvent, streamId: string, message: BridgeStreamMessage) => {
      if (streamId !== id || !open) return
      if (message.type !== 'event') close()
      onMessage(message)
    }
    ipcRenderer.on(IPC_CHANNELS.streamMessage, forward)
    try {
      ipcRenderer.send(IPC_CHANNELS.streamStart, id, name, input)
    } catch (err) {
      // Same as call: an input that cannot be cloned is an error value, never a throw.
      close()
      queueMicrotask(() => onMessage({ type: 'error', error: { code: 'internal', message: err instanceof Error ? err.message : 'The studio did not answer' } }))
    }
    return () => {
      if (!open) return
      close()
      ipcRenderer.send(IPC_CHANNELS.streamCancel, id)
      onMessage({ type: 'end' })
    }
  },
  // Dropped files reach knowledge bases by path (File.path is gone since Electron 32). Only a path
  // the user handed over by dropping the file is revealed; nothing here reads the disk.
  pathForFile: (file: File) => webUtils.getPathForFile(file),
  async openKiosk(input: unknown): Promise<BridgeResult> {
    try {
      return (await ipcRenderer.invoke(IPC_CHANNELS.kioskOpen, input)) as BridgeResult
    } catch (err) {
      return { ok: false, error: { code: 'internal', message: err instanceof Error ? err.message : 'The studio did not answer' } }
    }
  },
  async openTeamServer(input: unknown): Promise<BridgeResult> {
    try {
      return (await ipcRenderer.invoke(IPC_CHANNELS.teamOpen, input)) as BridgeResult
    } catch (err) {
      return { ok: false, error: { code: 'internal', message: err instanceof Error ? err.message : 'The studio did not answer' } }
    }
  }
}

contextBridge.exposeInMainWorld('agenta', bridge)
