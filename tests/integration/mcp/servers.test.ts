import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AgentCreate, ToolCreate, type ToolStatus } from '../../../src-main/contract/entities'
import { bootRuntime, bootServer, tempDir, type BootedServer } from '../../utils/boot'
import { startSmtpSink, type SmtpSink } from '../../utils/smtp-sink'
import { bundledStdio, everythingStdio, FILESYSTEM_BIN, freePort, pidAlive } from './peers'
import { until } from '../../utils/until'

/**
 * server-filesystem, our bundled chart/excel/email servers, broken configurations, the REST
 * endpoints, and start-up/shut-down behaviour of the connection manager.
 */
let s: BootedServer
const dir = mkdtempSync(join(tmpdir(), 'agenta-mcp-files-'))
let smtp: SmtpSink

beforeAll(async () => {
  s = await bootServer({ mcp: { autoConnect: false } })
  smtp = await startSmtpSink()
})
afterAll(async () => {
  await s?.close()
  await smtp?.close()
  rmSync(dir, { recursive: true, force: true })
})

const addTool = async (name: string, config: unknown) => (await s.runtime.tools.create(ToolCreate.parse({ name, config }))).id

describe('real servers through the connection manager', () => {
  it('reads a file with server-filesystem over stdio', async () => {
    writeFileSync(join(dir, 'note.txt'), 'hello from disk\n第二行')
    const id = await addTool('files', { transport: 'stdio', command: process.execPath, args: [FILESYSTEM_BIN, dir] })
    expect(await s.runtime.mcp.call(id, 'read_text_file', { path: join(dir, 'note.txt') })).toEqual({ content: 'hello from disk\n第二行' })
    const outside = await s.runtime.mcp.call(id, 'read_text_file', { path: '/etc/hostname' })
    expect(outside).toMatchObject({ isError: true, content: expect.stringMatching(/outside allowed directories/i) })
  })

  it('draws a chart with the bundled chart server, as a chart card', async () => {
    const id = await addTool('chart', bundledStdio('chart'))
    const r = await s.runtime.mcp.call(id, 'generate_column_chart', {
      title: 'Visitors',
      data: [
        { category: 'Mon', value: 3 },
        { category: 'Tue', value: 5 }
      ]
    })
    expect(r.isError).toBeUndefined()
    expect(r.card).toMatchObject({ type: 'chart', data: { title: 'Visitors', option: { series: [{ type: 'bar', data: [3, 5] }] } } })
  })

  it('writes and reads a workbook with the bundled excel server', async () => {
    const id = await addTool('excel', bundledStdio('excel', { AGENTA_EXCEL_DIR: join(dir, 'excel') }))
    const written = await s.runtime.mcp.call(id, 'write_range', {
      fileName: 'stock.xlsx',
      values: [
        ['Item', 'Qty'],
        ['Pen', 3],
        ['Ink', 4],
        ['Total', '=SUM(B2:B3)']
      ]
    })
    expect(written.isError).toBeUndefined()
    const read = JSON.parse((await s.runtime.mcp.call(id, 'read_range', { fileName: 'stock.xlsx', range: 'A1:B2' })).content)
    expect(read.values).toEqual([
      ['Item', 'Qty'],
      ['Pen', 3]
    ])
  })

  it('sends a mail with the bundled email server to a local SMTP sink', async () => {
    const id = await addTool(
      'email',
      bundledStdio('email', { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), SMTP_SECURE: 'false', SMTP_FROM: 'studio@example.com' })
    )
    const r = await s.runtime.mcp.call(id, 'notify', { to: 'ops@example.com', subject: 'Hall 3 closed', content: 'Cleaning until noon.' })
    expect(r.isError).toBeUndefined()
    expect(JSON.parse(r.content)).toMatchObject({ sent: true })
    await until(() => smtp.received.some((m) => m.raw.includes('Subject: Hall 3 closed') && m.raw.includes('Cleaning until noon.')), 'the mail at the sink')
  })
})

describe('broken configurations say why', () => {
  it('a missing command: status failed, naming the command and the PATH searched', async () => {
    const id = await addTool('missing', { transport: 'stdio', command: 'agenta-no-such-command', args: ['--x'] })
    const conn = await s.runtime.mcp.connection(id)
    await expect(conn.ready()).rejects.toThrow(/^command not found: agenta-no-such-command \(searched PATH: .*\/usr\/bin/)
    const status = (await s.runtime.mcp.status()).find((x) => x.toolId === id)!
    expect(status).toMatchObject({ state: 'failed', tools: [], error: expect.stringMatching(/^command not found: agenta-no-such-command \(searched PATH: /) })
    await expect(s.runtime.mcp.call(id, 'anything', {})).rejects.toThrow(/the MCP server is unavailable: command not found: agenta-no-such-command/)
  })

  it('a server that exits at once: the exit code and its last stderr lines', async () => {
    const r = await s.runtime.mcp.testConfig({
      transport: 'stdio',
      command: process.execPath,
      args: ['-e', 'console.error("missing API key FOO_TOKEN"); process.exit(3)'],
      env: {}
    })
    expect(r).toMatchObject({ ok: false, tools: [] })
    expect(r.error).toBe('the server process exited with code 3 before it was ready. Last output on stderr:\nmissing API key FOO_TOKEN')
  })

  it('nothing listening at a URL: connection refused', async () => {
    const port = await freePort()
    const r = await s.runtime.mcp.testConfig({ transport: 'sse', url: `http://127.0.0.1:${port}/sse`, headers: {} })
    expect(r.error).toBe(`connection refused: nothing is listening at http://127.0.0.1:${port}/sse`)
  })
})

describe('REST', () => {
  it('tests a saved server, shows status, and binds tools to an agent', async () => {
    const everything = await s.api('POST', '/api/tools', {
      name: 'everything',
      config: { transport: 'stdio', command: process.execPath, args: everythingStdio().args }
    })
    expect(everything.status).toBe(201)
    const tested = await s.api('POST', `/api/tools/${everything.body.id}/test`)
    expect(tested.status).toBe(200)
    expect(tested.body).toMatchObject({
      ok: true,
      tools: expect.arrayContaining([expect.objectContaining({ name: 'echo', description: 'Echoes back the input string' })])
    })
    // Testing uses a fresh connection and leaves the live one alone.
    const status = (await s.api('GET', '/api/tool-status')).body as ToolStatus[]
    expect(status.find((x) => x.toolId === everything.body.id)).toMatchObject({ state: 'idle' })

    const missing = await s.api('POST', '/api/tools', { name: 'nope', config: { transport: 'stdio', command: 'agenta-no-such-command' } })
    const failed = await s.api('POST', `/api/tools/${missing.body.id}/test`)
    expect(failed.body).toMatchObject({ ok: false, error: expect.stringContaining('command not found: agenta-no-such-command (searched PATH: ') })
    expect((await s.api('POST', '/api/tools/nope/test')).status).toBe(404)

    const agent = await s.runtime.agents.create(AgentCreate.parse({ name: 'Binder' }))
    const bindings = [{ toolId: everything.body.id, enabledTools: ['echo'], requireConfirmation: true }, { toolId: missing.body.id }]
    const put = await s.api('PUT', `/api/agents/${agent.id}/tools`, { bindings })
    expect(put.status).toBe(200)
    expect(put.body).toEqual(expect.arrayContaining([bindings[0], { toolId: missing.body.id, enabledTools: null, requireConfirmation: false }]))
    expect((await s.api('GET', `/api/agents/${agent.uuid}/tools`)).body).toHaveLength(2)
    const unknown = await s.api('PUT', `/api/agents/${agent.id}/tools`, { bindings: [{ toolId: 'no-such-tool' }] })
    expect(unknown.status).toBe(404)
    expect(unknown.body.error.message).toBe('No tool with id no-such-tool')
    expect((await s.api('PUT', `/api/agents/${agent.id}/tools`, { bindings: [bindings[0], bindings[0]] })).status).toBe(422)
    expect((await s.api('GET', `/api/agents/no-agent/tools`)).status).toBe(404)
    // Still the earlier set: a rejected update changes nothing; deleting a server drops its binding.
    await s.api('DELETE', `/api/tools/${missing.body.id}`)
    expect((await s.api('GET', `/api/agents/${agent.id}/tools`)).body).toEqual([bindings[0]])
  })
})

describe('start-up and shut-down', () => {
  it('connects enabled servers in the background without delaying start-up, and leaves no child behind', async () => {
    const dataDir = tempDir()
    const first = await bootRuntime({ dataDir, mcp: { autoConnect: false } })
    const make = (name: string, config: unknown, enabled = true) => first.runtime.tools.create(ToolCreate.parse({ name, config, enabled }))
    const ready = await make('everything', everythingStdio())
    // Speaks no MCP: it never answers the handshake.
    const marker = `agenta-mute-${process.pid}-${Date.now()}`
    const mute = await make('mute', { transport: 'stdio', command: process.execPath, args: ['-e', `setInterval(() => {}, 1000) // ${marker}`] })
    const muteRunning = () => execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).includes(marker)
    const off = await make('off', everythingStdio(), false)
    await first.close({ keepData: true })

    const b = await bootRuntime({ dataDir, mcp: { autoConnect: true, connectTimeoutMs: 1_500, reconnect: { initialMs: 60_000, maxMs: 60_000, attempts: 1 } } })
    const state = async (id: string) => (await b.runtime.mcp.status()).find((x) => x.toolId === id)!
    // Start-up did not wait for the servers: the mute one is still connecting (it fails only after 1.5 s).
    expect((await state(mute.id)).state).toBe('connecting')
    await until(async () => (await state(ready.id)).state === 'ready', 'everything ready')
    expect((await state(mute.id)).state).toBe('connecting')
    expect(muteRunning()).toBe(true)
    const pids = [(await b.runtime.mcp.connection(ready.id)).pid!]
    await until(async () => (await state(mute.id)).state === 'failed', 'mute failed')
    expect((await state(mute.id)).error).toBe(`no answer within 1.5 s while connecting to ${process.execPath} -e setInterval(() => {}, 1000) // ${marker}`)
    // A server that timed out is not left running.
    expect(muteRunning()).toBe(false)
    expect((await state(off.id)).state).toBe('idle')
    expect(pidAlive(pids[0])).toBe(true)
    await b.close()
    for (const pid of pids) expect(pidAlive(pid)).toBe(false)
  })
})
