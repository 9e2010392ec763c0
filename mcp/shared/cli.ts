import { parseServerArgs, usage, UsageError, type FlagSpecs, type FlagValues } from './args.js'
import { serveHttp, serveStdio, type RunningServer, type ServerFactory } from './transports.js'

export interface ServerCli<F extends FlagSpecs> {
  /** Shown in logs and --help, e.g. "agenta-chart". */
  name: string
  /** The entry file relative to the repo, for the usage line. */
  entry: string
  defaultPort: number
  flags: F
  /** Reads the configuration once; throws UsageError for a bad setting so startup fails loudly. */
  createFactory(flags: FlagValues<F>, env: NodeJS.ProcessEnv): ServerFactory
}

function log(name: string, message: string): void {
  // stdout carries the protocol on stdio, so every human-readable line goes to stderr.
  process.stderr.write(`[${name}] ${message}\n`)
}

export async function runCli<F extends FlagSpecs>(
  cli: ServerCli<F>,
  argv: string[] = process.argv.slice(2),
  env: NodeJS.ProcessEnv = process.env
): Promise<void> {
  const command = `npx tsx ${cli.entry}`
  let running: RunningServer
  try {
    const args = parseServerArgs(argv, cli.flags, cli.defaultPort)
    if (args.help) {
      process.stdout.write(usage(command, cli.flags, cli.defaultPort) + '\n')
      return
    }
    const factory = cli.createFactory(args.flags, env)
    if (args.transport.transport === 'stdio') {
      running = await serveStdio(factory)
      log(cli.name, 'ready on stdio')
      // The parent owns us: when it goes away (or closes our stdin) we go too, leaving no orphans.
      process.stdin.once('end', () => void shutdown(running))
      process.stdin.once('close', () => void shutdown(running))
    } else {
      running = await serveHttp(factory, args.transport)
      // Tests and the app wait for this exact line to learn the (possibly auto-picked) port.
      log(cli.name, `listening on ${running.url}`)
    }
  } catch (error) {
    if (error instanceof UsageError) {
      log(cli.name, error.message)
      process.stderr.write(usage(command, cli.flags, cli.defaultPort) + '\n')
      process.exit(2)
    }
    const code = (error as NodeJS.ErrnoException).code
    log(cli.name, code === 'EADDRINUSE' ? `port already in use: ${(error as Error).message}` : String(error))
    process.exit(1)
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void shutdown(running))
}

let closing = false
async function shutdown(running: RunningServer): Promise<void> {
  if (closing) return
  closing = true
  // A hung close must not keep a dead server around.
  setTimeout(() => process.exit(0), 2000).unref()
  await running.close().catch(() => undefined)
  process.exit(0)
}
