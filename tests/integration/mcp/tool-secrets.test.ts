import { chmodSync, readFileSync, rmSync, statSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bootRuntime, bootServer, tempDir, type BootedServer } from '../../utils/boot'
import { everythingStdio } from './peers'
import { ToolConfig, ToolUpdate } from '../../../src-main/contract/entities'
import * as toolForm from '../../../src-renderer/src/screens/tools/tool-form'

/**
 * MCP servers' header and environment values (API keys, mostly) are sealed at rest and masked in
 * every answer, while the connection still sends the real values. The data folder is private.
 */
const AUTH = 'Bearer sk-live-7f3a9c2e51d04b8f'
const ENV_SECRET = 'env-secret-5d1e0c7a2b9f'

/** A real streamable-HTTP MCP server (the SDK's, in this process) that wants our Authorization header. */
async function startAuthMcp() {
  const seen: Array<string | undefined> = []
  const srv = http.createServer((req, res) => {
    seen.push(req.headers.authorization)
    if (req.headers.authorization !== AUTH) {
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'bad key' }))
      return
    }
    const mcp = new McpServer({ name: 'auth-peer', version: '1.0.0' })
    mcp.registerTool('whoami', { description: 'Says who called' }, async () => ({ content: [{ type: 'text', text: 'a caller with the right key' }] }))
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true })
    res.on('close', () => void transport.close().then(() => mcp.close()))
    void mcp.connect(transport).then(() => transport.handleRequest(req, res))
  })
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
  return {
    url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}/mcp`,
    seen,
    close: () => new Promise((r) => (srv.closeAllConnections(), srv.close(r)))
  }
}

/** Every byte SQLite has written for this database. */
const dbBytes = (dataDir: string) =>
  ['agenta.db', 'agenta.db-wal']
    .map((f) => {
      try {
        return readFileSync(join(dataDir, f)).toString('latin1')
      } catch {
        return ''
      }
    })
    .join('')

let peer: Awaited<ReturnType<typeof startAuthMcp>>
let s: BootedServer
beforeAll(async () => {
  peer = await startAuthMcp()
  s = await bootServer({ mcp: { reconnect: { initialMs: 100, maxMs: 100, attempts: 0 } } })
})
afterAll(async () => {
  await s?.close()
  await peer?.close()
})

describe('MCP server secrets', () => {
  it('seals header values at rest, masks them in answers, and connects with the real ones', async () => {
    const created = await s.api('POST', '/api/tools', {
      name: 'auth-peer',
      config: { transport: 'streamable-http', url: peer.url, headers: { Authorization: AUTH, 'X-Team': 'blue' } }
    })
    expect(created.status).toBe(201)
    const masked = { Authorization: 'Bea…4b8f', 'X-Team': '••••' }
    expect(created.body.config.headers).toEqual(masked)
    const listed = (await s.api('GET', '/api/tools')).body.find((t: { id: string }) => t.id === created.body.id)
    expect(listed.config).toEqual({ transport: 'streamable-http', url: peer.url, headers: masked })
    expect((await s.api('GET', `/api/tools/${created.body.id}`)).body.config.headers).toEqual(masked)
    expect(JSON.stringify((await s.api('GET', '/api/tools')).body)).not.toContain('7f3a9c2e51d0')
    expect(dbBytes(s.dataDir)).not.toContain('7f3a9c2e51d0')

    // The connection sends the real header: the peer refuses any other.
    const tested = await s.api('POST', `/api/tools/${created.body.id}/test`)
    expect(tested.body).toMatchObject({ ok: true, tools: [expect.objectContaining({ name: 'whoami' })] })
    expect(peer.seen.at(-1)).toBe(AUTH)
    const call = await s.runtime.mcp.call(created.body.id, 'whoami', {})
    expect(call.content).toContain('right key')

    // The editor sends the masked values back with another change: the stored secret stays.
    peer.seen.length = 0
    const renamed = await s.api('PUT', `/api/tools/${created.body.id}`, { name: 'auth-peer-2', config: listed.config })
    expect(renamed.status).toBe(200)
    expect(renamed.body.config.headers).toEqual(masked)
    expect((await s.api('POST', `/api/tools/${created.body.id}/test`)).body.ok).toBe(true)
    // Testing the form's (masked) config of the saved server also uses the stored values.
    expect((await s.api('POST', '/api/tool-test', { config: listed.config, toolId: created.body.id })).body.ok).toBe(true)
    expect(peer.seen.length).toBeGreaterThan(0)
    expect(peer.seen.every((h) => h === AUTH)).toBe(true)

    // A new value replaces it; a removed header is gone.
    const changed = await s.api('PUT', `/api/tools/${created.body.id}`, {
      config: { transport: 'streamable-http', url: peer.url, headers: { Authorization: 'Bearer wrong-key-0000' } }
    })
    expect(changed.body.config.headers).toEqual({ Authorization: 'Bea…0000' })
    const refused = await s.api('POST', `/api/tools/${created.body.id}/test`)
    expect(refused.body.ok).toBe(false)
    expect(peer.seen.at(-1)).toBe('Bearer wrong-key-0000')
  })

  it('seals stdio environment values and the server process still gets them', async () => {
    const created = await s.api('POST', '/api/tools', { name: 'env-peer', config: { ...everythingStdio(), env: { AGENTA_TEST_SECRET: ENV_SECRET } } })
    expect(created.status).toBe(201)
    expect(created.body.config.env).toEqual({ AGENTA_TEST_SECRET: 'env…2b9f' })
    expect(dbBytes(s.dataDir)).not.toContain('5d1e0c7a')
    const r = await s.runtime.mcp.call(created.body.id, 'get-env', {})
    expect(r.content).toContain(ENV_SECRET)
  })

  it('reads and then seals rows saved in clear by an earlier version', async () => {
    const dataDir = tempDir()
    let b = await bootRuntime({ dataDir })
    const now = Date.now()
    const config = { transport: 'streamable-http', url: peer.url, headers: { Authorization: AUTH } }
    await b.runtime.store.db
      .insertInto('tools')
      .values({
        id: 'legacy-tool',
        name: 'legacy',
        remark: '',
        category: 'general',
        icon: '🔧',
        color: '#1677ff',
        tool_type: 'external',
        transport: 'streamable-http',
        config: JSON.stringify(config),
        enabled: 1,
        created_at: now,
        updated_at: now
      })
      .execute()
    await b.close({ keepData: true })

    b = await bootRuntime({ dataDir })
    try {
      const row = await b.runtime.store.db.selectFrom('tools').select(['config', 'updated_at']).where('id', '=', 'legacy-tool').executeTakeFirstOrThrow()
      expect(row.config).not.toContain('7f3a9c2e51d0')
      expect(Number(row.updated_at)).toBe(now)
      expect((await b.runtime.tools.get('legacy-tool')).config).toEqual({ ...config, headers: { Authorization: 'Bea…4b8f' } })
      expect((await b.runtime.mcp.test('legacy-tool')).ok).toBe(true)
      expect(peer.seen.at(-1)).toBe(AUTH)
    } finally {
      await b.close()
    }
  })
})

describe('the studio editor', () => {
  it('saving a server unchanged through the form keeps its sealed values', async () => {
    for (const config of [
      { transport: 'streamable-http' as const, url: peer.url, headers: { Authorization: AUTH, 'X-Short': 'abc' } },
      { ...everythingStdio(), env: { AGENTA_TEST_SECRET: ENV_SECRET, MODE: 'a=b' } }
    ]) {
      const created = (await s.api('POST', '/api/tools', { name: `form-${config.transport}`, enabled: false, config })).body
      // What the editor does: the answer into the form, the form back into an update.
      const input = toolForm.toInput(toolForm.toFormValues(created))
      const saved = await s.api('PUT', `/api/tools/${created.id}`, ToolUpdate.parse(input))
      expect(saved.status).toBe(200)
      expect((await s.runtime.tools.withSecrets.get(created.id)).config).toEqual(ToolConfig.parse(config))
    }
  })
})

describe('secrets sealed with another key', () => {
  it('list and status still answer; the server says to enter its values again; new values work', async () => {
    const dataDir = tempDir()
    let b = await bootRuntime({ dataDir })
    const tool = await b.runtime.tools.create({
      name: 'moved',
      remark: '',
      category: 'general',
      icon: '🔧',
      color: '#1677ff',
      toolType: 'external',
      enabled: true,
      config: { transport: 'streamable-http', url: peer.url, headers: { Authorization: AUTH } }
    })
    await b.close({ keepData: true })
    rmSync(join(dataDir, 'secret.key')) // the database moved to a machine without its key

    b = await bootRuntime({ dataDir })
    try {
      expect((await b.runtime.tools.list())[0].config).toMatchObject({ headers: { Authorization: 'Bea…4b8f' } })
      expect(await b.runtime.mcp.status()).toEqual([expect.objectContaining({ toolId: tool.id, state: 'idle' })])
      await expect(b.runtime.mcp.test(tool.id)).rejects.toMatchObject({
        code: 'conflict',
        message: expect.stringMatching(/cannot be decrypted.*enter them again/)
      })
      // Sending the mask back cannot keep a value nobody can read: the same clear answer.
      const shown = (await b.runtime.tools.get(tool.id)).config
      await expect(b.runtime.tools.update(tool.id, { config: shown })).rejects.toMatchObject({ code: 'conflict' })
      await b.runtime.tools.update(tool.id, { config: { transport: 'streamable-http', url: peer.url, headers: { Authorization: AUTH } } })
      expect((await b.runtime.mcp.test(tool.id)).ok).toBe(true)
    } finally {
      await b.close()
    }
  })
})

describe('the data folder', () => {
  const modeOf = (p: string) => statSync(p).mode & 0o777

  it('is created private to its owner: folder 0700, database and key file 0600', async () => {
    const dataDir = join(tempDir(), 'new-data')
    const b = await bootRuntime({ dataDir })
    try {
      await b.runtime.settings.get()
      expect(modeOf(dataDir)).toBe(0o700)
      for (const f of ['agenta.db', 'agenta.db-wal', 'agenta.db-shm', 'secret.key']) expect(modeOf(join(dataDir, f)), f).toBe(0o600)
    } finally {
      await b.close()
    }
  })

  it('is made private again at start when it was left open to others', async () => {
    const dataDir = tempDir()
    let b = await bootRuntime({ dataDir })
    await b.close({ keepData: true })
    chmodSync(dataDir, 0o755)
    for (const f of ['agenta.db', 'secret.key']) chmodSync(join(dataDir, f), 0o644)
    b = await bootRuntime({ dataDir })
    try {
      expect(modeOf(dataDir)).toBe(0o700)
      for (const f of ['agenta.db', 'agenta.db-wal', 'agenta.db-shm', 'secret.key']) expect(modeOf(join(dataDir, f)), f).toBe(0o600)
    } finally {
      await b.close()
    }
  })
})
