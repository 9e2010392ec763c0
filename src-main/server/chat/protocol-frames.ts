import type { ChatMessageFrame, TurnEvent } from '../../contract/chat'
import type { FrameMapper } from './turn-stream'

/** Tool output is for the model; clients get enough to show what happened. */
const WIRE_TOOL_LIMIT = 2_000
const clip = (s: string) => (s.length > WIRE_TOOL_LIMIT ? `${s.slice(0, WIRE_TOOL_LIMIT)}…` : s)

/**
 * Turn events → the original protocol's chunks. Every chunk has `content` (string) and `card`
 * (object or null) first, so clients that read only those keep working; `type` and the other
 * fields are for richer clients. Shapes: `ChatMessageChunk` in the contract.
 */
export function protocolFrames(): FrameMapper {
  return (e: TurnEvent): ChatMessageFrame[] => {
    switch (e.type) {
      case 'start':
        return [{ content: '', card: null, run_id: e.runId, session_id: e.sessionId }]
      case 'delta':
        return [{ content: e.content, card: null }]
      case 'reasoning':
        return [{ content: '', card: null, type: 'reasoning', reasoning: e.content }]
      case 'sentence':
        return [{ content: '', card: null, type: 'sentence', sentence: { index: e.index, text: e.text } }]
      case 'card':
        return [{ content: '', card: e.card }]
      case 'tool_call':
        return [{ content: '', card: null, type: 'tool_call', tool: { id: e.id, name: e.name, arguments: e.arguments } }]
      case 'tool_progress': {
        const { type, ...tool } = e
        return [{ content: '', card: null, type, tool }]
      }
      case 'tool_result':
        return [
          {
            content: '',
            card: null,
            type: 'tool_result',
            tool: { id: e.id, name: e.name, content: clip(e.content), is_error: e.isError, duration_ms: e.durationMs }
          }
        ]
      case 'sources':
        return [{ content: '', card: null, type: 'sources', sources: e.sources }]
      case 'wait':
        return [
          {
            content: '',
            card: null,
            type: 'wait',
            wait_id: e.waitId,
            wait: {
              kind: e.kind,
              ...(e.schema !== undefined && { input_schema: e.schema }),
              ...(e.text !== undefined && { text: e.text }),
              ...(e.step && { step: e.step })
            }
          }
        ]
      case 'error':
        return [{ content: '', card: null, type: 'error', error: { code: e.code, message: e.message } }]
      case 'done':
        return ['[DONE]']
    }
  }
}
