// Taken at import, before any test fakes the clock: a test on fake timers can still wait for real
// I/O (a socket, a child process) without the wait itself moving the fake clock, as vi.waitFor would.
const tick = globalThis.setTimeout
const now = performance.now.bind(performance)

/**
 * Waits for something the test needs the value of (a row, a pid, a socket event): calls `probe`
 * every `everyMs` until it returns a truthy value, which it returns. A probe that throws is tried
 * again; after `timeoutMs` the wait fails with `what` and the probe's last error. (A wait that is
 * only an assertion reads better as `expect.poll`.)
 */
export async function until<T>(
  probe: () => T | Promise<T>,
  what: string,
  { timeoutMs = 20_000, everyMs = 50 }: { timeoutMs?: number; everyMs?: number } = {}
): Promise<NonNullable<T>> {
  const end = now() + timeoutMs
  let last: unknown
  for (;;) {
    try {
      const v = await probe()
      if (v) return v as NonNullable<T>
    } catch (err) {
      last = err
    }
    if (now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`)
    await new Promise((r) => tick(r, everyMs))
  }
}
