// `agenta kiosk reset-pin`, as an operator locked out of the studio runs it (the built command): a
// forgotten kiosk admin PIN is removed from the data folder without it, and the audit log says so.
import { spawnSync } from 'node:child_process'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createRuntime } from '../../src-main/core/runtime'
import { KIOSK_PIN_KEY } from '../../src-main/core/settings/kiosk-pin'
import { tempDir } from '../utils/boot'

const bin = resolve(import.meta.dirname, '../../bin/agenta.js')
const agenta = (args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' })

/** Opens the data folder as the studio does, runs `fn`, closes it (the command needs it free of a second writer's cache). */
async function onData<T>(dataDir: string, fn: (rt: Awaited<ReturnType<typeof createRuntime>>) => Promise<T>): Promise<T> {
  const rt = await createRuntime({ dataDir, host: 'electron', scheduler: { enabled: false }, mcp: { autoConnect: false } })
  try {
    return await fn(rt)
  } finally {
    await rt.close()
  }
}

describe('agenta kiosk reset-pin', () => {
  it('removes a forgotten PIN from the data folder, records it, and says what to do next', async () => {
    const data = tempDir()
    await onData(data, (rt) => rt.kioskPin.update({ pin: '2468' }))

    const reset = agenta(['kiosk', 'reset-pin', '--data', data])
    expect(reset.stderr).toBe('')
    expect(reset.status).toBe(0)
    expect(reset.stdout).toMatch(/The kiosk admin PIN is removed\. Set a new one in Settings → Kiosk/)

    const after = await onData(data, async (rt) => ({
      pin: await rt.settings.raw.get(KIOSK_PIN_KEY),
      audit: (await rt.audit.list({ limit: 10 })).map((e) => [e.action, e.actorName])
    }))
    expect(after.pin).toBeNull()
    expect(after.audit).toEqual([
      ['kiosk.pinReset', 'agenta kiosk reset-pin'],
      ['kiosk.pinSet', 'owner']
    ])

    // Again: nothing to reset, and it says so.
    const again = agenta(['kiosk', 'reset-pin', '--data', data])
    expect(again.status).toBe(0)
    expect(again.stdout).toMatch(/No kiosk admin PIN was set/)

    const typo = agenta(['kiosk', 'reset', '--data', data])
    expect(typo.status).toBe(2)
    expect(typo.stderr).toMatch(/did you mean "kiosk reset-pin"/)
  }, 120_000)
})
