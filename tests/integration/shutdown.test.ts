import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TurnEvent } from '../../src-main/contract/chat'
import { AgentCreate, ToolCreate } from '../../src-main/contract/entities'
import { bootRuntime } from '../utils/boot'
import { startFakeLlm, type FakeLlm } from '../utils/fake-llm'
import { everythingStdio } from './mcp/peers'

/** runtime.close() while a turn is calling an MCP tool: the turn ends first, its MCP server after. */
let llm: FakeLlm

beforeAll(async () => {
  llm = await startFakeLlm()
})
afterAll(async () => {
  await llm?.close()
})

describe('runtime.close()', () => {
  it('lets a turn finish its MCP tool call and its answer before the MCP children and the database close; new turns are refused', async () => {
    const b = await bootRuntime({ shutdown: { graceMs: 20_000 } })
    const rt = b.runtime
    const p = await rt.providers.create({ name: 'fake', kind: 'custom', baseUrl: llm.baseUrl, enabled: true })
    const agent = await rt.agents.create(AgentCreate.parse({ name: 'Worker', providerId: p.id, model: 'fake-chat', maxSteps: 3 }))
    const tool = await rt.tools.create(ToolCreate.parse({ name: 'everything', config: everythingStdio() }))
    await rt.mcp.setAgentTools(agent.id, [{ toolId: tool.id, enabledTools: ['trigger-long-running-operation'], requireConfirmation: false }])
    llm.script({ toolCalls: [{ name: 'everything__trigger-long-running-operation', arguments: { duration: 1, steps: 2 } }] }, { chunks: ['All ', 'done.'] })
    const sessionId = (await rt.chat.sessions.create({ agentId: agent.id, userId: 'u1', title: '' })).id
    const other = (await rt.chat.sessions.create({ agentId: agent.id, userId: 'u2', title: '' })).id
    const handle = await rt.chat.startTurn({ sessionId, message: 'run the long job' })
    const events: TurnEvent[] = []
    let closing: Promise<void> | undefined
    let refused: unknown
    for await (const e of handle.events) {
      events.push(e)
      if (e.type === 'tool_call') {
        // Shutdown begins while the tool runs.
        closing = rt.close()
        refused = await rt.chat.startTurn({ sessionId: other, message: 'me too' }).then(
          () => 'started',
          (err: unknown) => err
        )
      }
    }
    expect(closing).toBeDefined()
    await closing
    expect(refused).toMatchObject({ code: 'conflict', message: expect.stringMatching(/shutting down/) })
    expect(await handle.done).toMatchObject({ status: 'ok', text: 'All done.' })
    expect(events.find((e) => e.type === 'tool_result')).toMatchObject({ isError: false, content: expect.stringMatching(/completed/) })

    const db = new Database(join(b.dataDir, 'agenta.db'), { readonly: true })
    try {
      const rows = db.prepare("select content, meta from messages where session_id = ? and role = 'assistant' order by created_at").all(sessionId) as any[]
      expect(rows.at(-1)).toMatchObject({ content: 'All done.' })
      expect(JSON.parse(rows.at(-1).meta)).toMatchObject({ status: 'ok' })
    } finally {
      db.close()
    }
    await b.close()
  })
})
