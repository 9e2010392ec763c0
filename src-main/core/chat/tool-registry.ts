import type { Agent } from '../../contract/entities'
import type { ToolProgress, TurnEvent } from '../../contract/chat'
import type { WaitRegistry } from './waits'
import type { TurnSpeech } from './turn-speech'
import { log } from '../../base/log'

/** A JSON Schema object describing a tool's arguments, as OpenAI's `tools[].function.parameters`. */
export type JsonSchema = Record<string, unknown>

export interface ToolResult {
  /** What the model reads. */
  content: string
  isError?: boolean
  /** A card for the client (the show_card tool and MCP chart results). */
  card?: { type: string; data: Record<string, unknown> }
  /** Images for vision models, as data URLs. */
  images?: string[]
}

/** Everything a tool may need from the turn it runs in. */
export interface ToolContext {
  agent: Agent
  sessionId: string
  userId: string
  runId: string
  /** The Socket.IO client that sent the message, when it has one. */
  clientId?: string
  /** Someone can answer a wait (a socket client or the studio); false for plain API calls. */
  interactive: boolean
  /** The turn's sentences and its speaking client (a digital human), when it has one: `speech.presents`. */
  speech?: TurnSpeech
  signal: AbortSignal
  waits: WaitRegistry
  emit(event: TurnEvent): void
  /** Reports how far this call has got (a `tool_progress` event for the call being run). */
  progress?(p: ToolProgress): void
}

export interface ToolSpec {
  /** Unique within a turn; [a-zA-Z0-9_-]{1,64} as OpenAI requires. */
  name: string
  description: string
  parameters: JsonSchema
  /** Per-call limit; waits for people use their own (longer) timeout. */
  timeoutMs?: number
  execute(args: Record<string, unknown>, ctx: ToolContext): Promise<ToolResult>
}

/** A source of tools (built-ins, MCP servers, connected clients) asked afresh for each turn. */
export interface ToolProvider {
  readonly name: string
  toolsFor(ctx: Omit<ToolContext, 'signal' | 'emit' | 'runId'>): Promise<ToolSpec[]>
}

const VALID_NAME = /^[a-zA-Z0-9_-]{1,64}$/

/** Names a model accepts: odd characters become _, long names are cut, and clashes get a suffix. */
export function toolName(raw: string, taken: Set<string>): string {
  let base = raw.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 60) || 'tool'
  if (!VALID_NAME.test(base)) base = 'tool'
  let name = base
  for (let i = 2; taken.has(name); i++) name = `${base.slice(0, 60)}_${i}`
  taken.add(name)
  return name
}

export class ToolRegistry {
  private readonly providers: ToolProvider[] = []

  register(provider: ToolProvider): () => void {
    this.providers.push(provider)
    return () => {
      const i = this.providers.indexOf(provider)
      if (i >= 0) this.providers.splice(i, 1)
    }
  }

  /** The tools of one turn. A provider that fails is skipped (and logged): one broken MCP server must not stop the chat. */
  async toolsFor(ctx: Parameters<ToolProvider['toolsFor']>[0]): Promise<ToolSpec[]> {
    const lists = await Promise.all(
      this.providers.map((p) =>
        p.toolsFor(ctx).catch((err) => {
          log.warn({ err, provider: p.name }, 'tools unavailable for this turn')
          return [] as ToolSpec[]
        })
      )
    )
    const taken = new Set<string>()
    return lists.flat().map((t) => {
      const name = toolName(t.name, taken)
      return name === t.name ? t : { ...t, name }
    })
  }
}
