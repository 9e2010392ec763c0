import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'

// Test helpers: the SDK's own Client talking to our servers the way the studio will.

export type ServerName = 'chart' | 'email' | 'excel'
export type TransportName = 'stdio' | 'http'

export interface Peer {
  client: Client
  /** Everything the server wrote to stderr so far, for failure messages. */
  logs(): string
  close(): Promise<void>
}

const repoRoot = fileURLToPath(new URL('../..', import.meta.url))

function entryArgs(server: ServerName, args: string[]): string[] {
  return ['--import', 'tsx', `mcp/${server}/main.ts`, ...args]
}

function newClient(): Client {
  return new Client({ name: 'agenta-mcp-tests', version: '0.0.0' })
}

export async function connectStdio(server: ServerName, args: string[] = [], env: Record<string, string> = {}): Promise<Peer> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: entryArgs(server, ['--transport', 'stdio', ...args]),
    cwd: repoRoot,
    env: { ...(process.env as Record<string, string>), ...env },
    stderr: 'pipe'
  })
  let logs = ''
  transport.stderr?.on('data', (chunk: Buffer) => (logs += chunk.toString()))
  const client = newClient()
  await client.connect(transport)
  return { client, logs: () => logs, close: () => client.close() }
}

/** Starts main.ts on an OS-picked port and connects once it prints the URL it listens on. */
export async function connectHttp(server: ServerName, args: string[] = [], env: Record<string, string> = {}): Promise<Peer> {
  const child = spawn(process.execPath, entryArgs(server, ['--transport', 'http', '--port', '0', ...args]), {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe']
  })
  let logs = ''
  const url = await new Promise<URL>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening on" line within 30 s:\n${logs}`)), 30_000)
    child.stderr!.on('data', (chunk: Buffer) => {
      logs += chunk.toString()
      const match = /listening on (http:\/\/\S+)/.exec(logs)
      if (match) {
        clearTimeout(timer)
        resolve(new URL(match[1]))
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`server exited with ${code} before listening:\n${logs}`))
    })
  })
  const client = newClient()
  await client.connect(new StreamableHTTPClientTransport(url))
  return {
    client,
    logs: () => logs,
    close: async () => {
      await client.close()
      await stop(child)
    }
  }
}

export function connect(transport: TransportName, server: ServerName, args: string[] = [], env: Record<string, string> = {}) {
  return transport === 'stdio' ? connectStdio(server, args, env) : connectHttp(server, args, env)
}

/** In-process pair for the many small cases that need no process boundary. */
export async function connectInMemory(server: McpServer): Promise<Client> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair()
  await server.connect(serverSide)
  const client = newClient()
  await client.connect(clientSide)
  return client
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGTERM')
  await exited
}

export async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult
}

export function textOf(result: CallToolResult): string {
  const first = result.content[0]
  if (first?.type !== 'text') throw new Error(`expected text content, got ${JSON.stringify(result.content)}`)
  return first.text
}

/** The JSON a successful tool returned; fails loudly with the error text otherwise. */
export async function callJson<T = Record<string, any>>(client: Client, name: string, args: Record<string, unknown> = {}): Promise<T> {
  const result = await call(client, name, args)
  if (result.isError) throw new Error(`${name} failed: ${textOf(result)}`)
  return JSON.parse(textOf(result)) as T
}

/** The error text of a call that must fail. */
export async function callError(client: Client, name: string, args: Record<string, unknown> = {}): Promise<string> {
  const result = await call(client, name, args)
  if (!result.isError) throw new Error(`${name} was expected to fail but returned ${textOf(result)}`)
  return textOf(result)
}
