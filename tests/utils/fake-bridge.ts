// The desktop app's preload bridge (`window.agenta`, src-preload/index.ts) faked in a Chromium
// page, so the studio runs as it does inside Electron (host 'electron', the IPC transport) where
// the Electron binary cannot run. Calls go, as in electron/ipc.ts handleCall, through the core's
// dispatch as the desktop's owner; `openKiosk` goes to the handler the test gives (the real
// handleKioskOpen with a KioskWindows on a fake platform). No studio events, no streams.
import type { Page } from 'playwright-core'
import type { BridgeResult } from '../../src-main/contract/bridge'
import { dispatchSafe, type DispatchTarget } from '../../src-main/core/dispatch'
import { ownerContext } from '../../src-main/core/context'

export async function fakeDesktopBridge(page: Page, target: DispatchTarget, openKiosk?: (input: unknown) => Promise<BridgeResult>): Promise<void> {
  await page.exposeBinding('__agentaCall', async (_source, name: string, input: unknown): Promise<BridgeResult> => {
    const r = await dispatchSafe(target, name, input, ownerContext())
    return r.ok ? r : { ok: false, error: r.error.toBody().error }
  })
  if (openKiosk) await page.exposeBinding('__agentaOpenKiosk', (_source, input: unknown) => openKiosk(input))
  await page.addInitScript((withKiosk: boolean) => {
    const w = window as unknown as Record<string, any>
    w.agenta = {
      host: 'electron',
      call: (name: string, input: unknown) => w.__agentaCall(name, input),
      onEvent: () => () => undefined,
      stream: (_name: string, _input: unknown, onMessage: (m: unknown) => void) => {
        queueMicrotask(() => onMessage({ type: 'error', error: { code: 'internal', message: 'The fake bridge has no streams' } }))
        return () => undefined
      },
      pathForFile: () => '',
      ...(withKiosk && { openKiosk: (input: unknown) => w.__agentaOpenKiosk(input) })
    }
  }, !!openKiosk)
}
