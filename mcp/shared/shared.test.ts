import { spawnSync } from 'node:child_process'
import { request } from 'node:http'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { createChartServer } from '../chart/server.js'
import { flagOrEnv, parseServerArgs, UsageError } from './args.js'
import { describeError, guarded, ToolError } from './results.js'
import { serveHttp, type RunningServer } from './transports.js'

describe('command line', () => {
  const flags = { 'data-dir': { type: 'string', description: 'folder' } } as const

  it('defaults to stdio and loopback', () => {
    expect(parseServerArgs([], flags, 3100)).toEqual({
      help: false,
      transport: { transport: 'stdio', host: '127.0.0.1', port: 3100 },
      flags: { 'data-dir': undefined }
    })
  })

  it('reads transport, port, host and server flags', () => {
    const parsed = parseServerArgs(['--transport', 'http', '--port', '0', '--host', '::1', '--data-dir', '/d'], flags, 3100)
    expect(parsed.transport).toEqual({ transport: 'http', host: '::1', port: 0 })
    expect(parsed.flags['data-dir']).toBe('/d')
  })

  it.each([
    [['--transport', 'sse'], /--transport must be stdio or http/],
    [['--port', '70000'], /--port must be an integer from 0 to 65535/],
    [['--nope'], /Unknown option '--nope'/],
    [['extra'], /Unexpected argument 'extra'/]
  ])('refuses %j', (argv, message) => {
    expect(() => parseServerArgs(argv, flags, 3100)).toThrow(UsageError)
    expect(() => parseServerArgs(argv, flags, 3100)).toThrow(message)
  })

  it('lets a flag override the env var', () => {
    expect(flagOrEnv('flag', { X: 'env' }, 'X')).toBe('flag')
    expect(flagOrEnv(undefined, { X: 'env' }, 'X')).toBe('env')
    expect(flagOrEnv(undefined, { X: '' }, 'X')).toBeUndefined()
  })

  it('exits 2 with the usage on a bad flag', () => {
    const cwd = fileURLToPath(new URL('../..', import.meta.url))
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'mcp/chart/main.ts', '--transport', 'carrier-pigeon'], {
      cwd,
      encoding: 'utf8',
      input: ''
    })
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('--transport must be stdio or http, got "carrier-pigeon"')
    expect(run.stderr).toContain('Usage: npx tsx mcp/chart/main.ts')
  })
})

describe('error results', () => {
  it('turns throws into isError results with a useful message', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' })
    expect(describeError(refused)).toBe('connect ECONNREFUSED 127.0.0.1:9 (connection refused: nothing is listening there)')
    expect(await guarded(() => Promise.reject(new ToolError('bad input')))()).toEqual({
      content: [{ type: 'text', text: 'bad input' }],
      isError: true
    })
  })
})

describe('streamable HTTP runner', () => {
  let running: RunningServer
  let url: URL
  beforeAll(async () => {
    running = await serveHttp(() => createChartServer(), { host: '127.0.0.1', port: 0 })
    url = new URL(running.url!)
  })
  afterAll(() => running?.close())

  function get(path: string, host = url.host): Promise<number> {
    return new Promise((resolve, reject) => {
      request({ hostname: url.hostname, port: url.port, path, headers: { host } }, (res) => {
        res.resume()
        resolve(res.statusCode!)
      })
        .on('error', reject)
        .end()
    })
  }

  it('serves independent clients statelessly', async () => {
    const clients = await Promise.all(
      [1, 2].map(async () => {
        const client = new Client({ name: 'c', version: '0' })
        await client.connect(new StreamableHTTPClientTransport(url))
        return client
      })
    )
    const counts = await Promise.all(clients.map(async (c) => (await c.listTools()).tools.length))
    expect(counts[0]).toBeGreaterThan(10)
    expect(counts[1]).toBe(counts[0])
    await Promise.all(clients.map((c) => c.close()))
  })

  it('answers GET /mcp with 405 and has a health check', async () => {
    expect(await get('/mcp')).toBe(405)
    expect(await get('/health')).toBe(200)
  })

  it('rejects a foreign Host header (DNS rebinding) on loopback', async () => {
    expect(await get('/health', 'evil.example:80')).toBe(403)
  })
})
