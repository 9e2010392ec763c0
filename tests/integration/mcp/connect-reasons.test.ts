// "Test connection" of an MCP server says why it failed as a message code with params, which the
// studio translates (issue 15, defect 7's rarer errors): a missing command, nothing listening, a
// refused token. Real processes and sockets.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dispatch } from '../../../src-main/core/dispatch'
import { ownerContext } from '../../../src-main/core/context'
import { bootRuntime, type BootedRuntime } from '../../utils/boot'

let b: BootedRuntime
let refusing: Server
let closedPort: number

beforeAll(async () => {
  b = await bootRuntime()
  refusing = createServer((_req, res) => res.writeHead(401, { 'content-type': 'text/plain' }).end('bad token'))
  await new Promise<void>((r) => refusing.listen(0, '127.0.0.1', r))
  // A port that was free a moment ago: nothing listens there.
  const probe = createServer()
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r))
  closedPort = (probe.address() as AddressInfo).port
  await new Promise((r) => probe.close(r))
})
afterAll(async () => {
  refusing?.close()
  await b?.close()
})

const test = (config: unknown) => dispatch(b.runtime, 'tools.testConfig', { config }, ownerContext()) as Promise<Record<string, unknown>>

describe('tools.testConfig failures carry a reason and params', () => {
  it('a command that is not installed', async () => {
    const r = await test({ transport: 'stdio', command: 'no-such-mcp-command-xyz' })
    expect(r).toMatchObject({ ok: false, reason: 'mcp_command_not_found', params: { command: 'no-such-mcp-command-xyz' } })
    expect(r.error).toMatch(/command not found: no-such-mcp-command-xyz/)
  })

  it('nothing listening at the URL', async () => {
    const url = `http://127.0.0.1:${closedPort}/mcp`
    const r = await test({ transport: 'streamable-http', url })
    expect(r).toMatchObject({ ok: false, reason: 'mcp_unreachable', params: { code: 'ECONNREFUSED' } })
  })

  it('a server that refuses the token', async () => {
    const url = `http://127.0.0.1:${(refusing.address() as AddressInfo).port}/mcp`
    const r = await test({ transport: 'streamable-http', url })
    expect(r).toMatchObject({ ok: false, reason: 'mcp_unauthorized', params: { status: 401 } })
  })
})
