import type { ToolContext } from '../chat/tool-registry'

/** The part of the chat client hub that reaches a socket client. */
export interface ClientSender {
  send(clientId: string, event: string, payload: unknown): boolean
}

/** 'always' = yes, and do not ask again for this server in this agent. */
export type Confirmation = 'yes' | 'always' | 'no' | 'timeout' | 'cancelled' | 'nobody'

const YES = new Set([
  'yes',
  'y',
  'true',
  'ok',
  'okay',
  'allow',
  'approve',
  'approved',
  'confirm',
  'confirmed',
  '1',
  '是',
  '是的',
  '好',
  '好的',
  '确认',
  '确定',
  '同意',
  '允许',
  '可以'
])

/** Clients answer in many shapes: true, "yes", "确认", {confirmed:true}, {value:"yes"}… Anything else is a no. */
export function isYes(data: unknown): boolean {
  if (data === true || data === 1) return true
  if (typeof data === 'string') return YES.has(data.trim().toLowerCase())
  if (data && typeof data === 'object' && !Array.isArray(data)) {
    const o = data as Record<string, unknown>
    for (const key of ['confirmed', 'confirm', 'approved', 'allow', 'value', 'answer', 'data']) if (key in o) return isYes(o[key])
  }
  return false
}

/** "Always allow": a yes sent as `{ confirmed: true, always: true }` (the studio's third button). */
export function isAlways(data: unknown): boolean {
  return isYes(data) && !!data && typeof data === 'object' && (data as { always?: unknown }).always === true
}

function preview(args: Record<string, unknown>): string {
  const text = JSON.stringify(args)
  return text.length > 500 ? `${text.slice(0, 500)}…` : text
}

/**
 * Asks the person in the conversation whether a tool may run, as ask_user does: a `wait` of
 * kind input in the turn's events, and `wait_for_input` to the socket client that sent the
 * message. The question names the server, the tool and the arguments, so the answer is informed.
 */
export async function askConfirmation(
  ctx: ToolContext,
  call: { server: string; tool: string; args: Record<string, unknown> },
  opts: { clients?: ClientSender; timeoutMs: number }
): Promise<Confirmation> {
  // A plain API call has nobody to ask; waiting minutes for no one helps nobody.
  if (!ctx.interactive) return 'nobody'
  const question = `Allow the tool "${call.tool}" of the MCP server "${call.server}" to run with these arguments? ${preview(call.args)} (yes/no)`
  const schema = {
    type: 'boolean',
    title: 'Confirm tool call',
    description: question,
    // Clients that can offer "always allow" answer { confirmed: true, always: true }.
    'x-agenta-confirm': { server: call.server, tool: call.tool, arguments: call.args, always: true }
  }
  const outcome = await ctx.waits.wait({
    signal: ctx.signal,
    timeoutMs: opts.timeoutMs,
    start: (waitId) => {
      ctx.emit({ type: 'wait', waitId, kind: 'input', schema, text: question })
      if (ctx.clientId) opts.clients?.send(ctx.clientId, 'wait_for_input', { wait_id: waitId, input_schema: schema })
    }
  })
  if (outcome.status === 'answered') return isAlways(outcome.data) ? 'always' : isYes(outcome.data) ? 'yes' : 'no'
  return outcome.status
}
