import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TurnEvent } from '../../../src-main/contract/chat'
import { AgentCreate, ToolCreate } from '../../../src-main/contract/entities'
import { bootRuntime, type BootedRuntime } from '../../utils/boot'
import { startFakeLlm, type FakeLlm } from '../../utils/fake-llm'
import { childPids } from '../../utils/proc'
import { everythingStdio } from './peers'
import { until } from '../../utils/until'

/**
 * The bundled MCP servers (chart, email, excel: the built out/main/mcp-*.js, so
 * `npx electron-vite build` first) start when an agent first needs them, not at start-up; a
 * server the person configured still connects at start-up (auto-connect).
 */
const OUT = resolve(import.meta.dirname, '../../../out/main')
let b: BootedRuntime
let llm: FakeLlm

/** This process's descendants running a bundled server, by name (chart, email, excel). */
function bundledChildren(): string[] {
  const found: string[] = []
  const walk = (pid: number) => {
    let kids: number[] = []
    try {
      kids = childPids(pid)
    } catch {
      return // gone meanwhile
    }
    for (const kid of kids) {
      try {
        const m = /mcp-(chart|email|excel)\.js/.exec(readFileSync(`/proc/${kid}/cmdline`, 'utf8'))
        if (m) found.push(m[1])
      } catch {
        // gone meanwhile
      }
      walk(kid)
    }
  }
  walk(process.pid)
  return found.sort()
}

beforeAll(async () => {
  llm = await startFakeLlm()
  // A first start (the bundled servers are seeded as tools), then the start under test: the
  // configured server exists before the runtime does, as after any restart.
  const first = await bootRuntime({ bundledMcpDir: OUT })
  await first.runtime.tools.create(ToolCreate.parse({ name: 'everything', config: everythingStdio() }))
  await first.runtime.close()
  b = await bootRuntime({ dataDir: first.dataDir, bundledMcpDir: OUT, mcp: { autoConnect: true } })
})
afterAll(async () => {
  await b?.close()
  await llm?.close()
})

describe('bundled MCP servers', () => {
  it('start on an agent’s first turn that uses them, not at start-up; configured servers still auto-connect', async () => {
    const rt = b.runtime
    const tools = await rt.tools.list()
    const id = (name: string) => tools.find((t) => t.name === name)!.id
    // The configured server connects at start-up on its own…
    await until(async () => (await rt.mcp.status()).find((s) => s.toolId === id('everything') && s.state === 'ready'), 'the configured server')
    // …while no bundled one was started with it.
    expect(bundledChildren()).toEqual([])
    expect((await rt.mcp.status()).filter((s) => s.state !== 'idle').map((s) => s.toolId)).toEqual([id('everything')])

    const p = await rt.providers.create({ name: 'fake', kind: 'custom', baseUrl: llm.baseUrl, enabled: true })
    const agent = await rt.agents.create(AgentCreate.parse({ name: 'Charts', providerId: p.id, model: 'fake-chat', maxSteps: 3 }))
    await rt.mcp.setAgentTools(agent.id, [{ toolId: id('chart'), enabledTools: ['generate_column_chart'], requireConfirmation: false }])
    // Binding alone starts nothing.
    expect(bundledChildren()).toEqual([])

    llm.script(
      {
        toolCalls: [
          {
            name: 'chart__generate_column_chart',
            arguments: {
              data: [
                { category: 'a', value: 1 },
                { category: 'b', value: 2 }
              ]
            }
          }
        ]
      },
      { text: 'Here is your chart.' }
    )
    const sessionId = (await rt.chat.sessions.create({ agentId: agent.id, userId: 'u1', title: '' })).id
    const handle = await rt.chat.startTurn({ sessionId, message: 'chart a and b' })
    const events: TurnEvent[] = []
    for await (const e of handle.events) events.push(e)
    expect(await handle.done).toMatchObject({ status: 'ok', text: 'Here is your chart.' })
    // The tool worked: its result became a chart card.
    expect(events.find((e) => e.type === 'tool_result')).toMatchObject({ name: 'chart__generate_column_chart', isError: false })
    expect(events.find((e) => e.type === 'card')).toMatchObject({ card: { type: 'chart' } })
    // Now (and only now) the chart server runs; the other bundled ones still do not.
    expect(bundledChildren()).toEqual(['chart'])
    expect((await rt.mcp.status()).find((s) => s.toolId === id('chart'))).toMatchObject({ state: 'ready' })
  })
})
