import type { Attachment, ChatMessage, Source, StoredAttachment, ToolProgress, TurnEvent, TurnStatus, Usage } from '@contract/chat'

/**
 * What the message list shows: a user message, or everything one run of the agent said and did
 * (text, tool steps, cards, sources), which the core stores as several messages sharing a runId.
 */
export interface UserItem {
  kind: 'user'
  /** The stored message id; `tmp-…` until the session is read again after the turn. */
  id: string
  content: string
  /** Images and files sent with it (as stored; local data URLs until the session is read again). */
  attachments?: StoredAttachment[]
  createdAt: number
  /** Its versions (edits), oldest first, this one among them; absent when it has none. */
  branches?: string[]
}

export interface ToolStep {
  id: string
  name: string
  arguments: string
  result?: string
  isError?: boolean
  durationMs?: number
  /** How far the call has got while it runs, when its server says. */
  progress?: ToolProgress
  /** Images the tool returned (data URLs). */
  images?: string[]
}

export type AssistantPart = { type: 'text'; text: string } | { type: 'tool'; step: ToolStep }

export interface CardData {
  type: string
  data: Record<string, unknown>
}

export interface WaitState {
  waitId: string
  kind: 'input' | 'client' | 'digitalhuman'
  schema?: unknown
  text?: string
  answered?: boolean
}

export type AssistantStatus = TurnStatus | 'streaming'

export interface AssistantItem {
  kind: 'assistant'
  id: string
  runId?: string
  parts: AssistantPart[]
  reasoning: string
  cards: CardData[]
  sources: Source[]
  status: AssistantStatus
  error?: string
  usage?: Usage
  /** The model that answered and how long the turn took. */
  model?: string
  durationMs?: number
  wait?: WaitState
  createdAt: number
  /** The answers given to the same message (regenerated), oldest first, by their first message; absent when one. */
  branches?: string[]
  /** The stored message the answer starts with (its id among `branches`). */
  firstId?: string
}

export type ChatItem = UserItem | AssistantItem

export const isTemp = (id: string) => id.startsWith('tmp-')
let tmpSeq = 0
export const tempId = () => `tmp-${Date.now().toString(36)}-${++tmpSeq}`

export const emptyAssistant = (id = tempId()): AssistantItem => ({
  kind: 'assistant',
  id,
  parts: [],
  reasoning: '',
  cards: [],
  sources: [],
  status: 'streaming',
  createdAt: Date.now()
})

const isCard = (c: unknown): c is CardData =>
  typeof c === 'object' && c !== null && typeof (c as CardData).type === 'string' && typeof (c as CardData).data === 'object'

/** A file about to be sent, shown in the user's message before the server has stored it. */
export function localAttachment(a: Attachment): StoredAttachment {
  const padding = a.data.endsWith('==') ? 2 : a.data.endsWith('=') ? 1 : 0
  const size = Math.max(0, Math.floor((a.data.length * 3) / 4) - padding)
  const kind = a.mimeType.startsWith('image/') ? 'image' : 'file'
  return { name: a.name, mimeType: a.mimeType, size, kind, ...(kind === 'image' ? { dataUrl: `data:${a.mimeType};base64,${a.data}` } : {}) }
}

/** Stored messages (oldest first) → list items. */
export function groupMessages(messages: ChatMessage[]): ChatItem[] {
  const items: ChatItem[] = []
  let run: AssistantItem | null = null
  for (const m of messages) {
    if (m.role === 'user') {
      items.push({
        kind: 'user',
        id: m.id,
        content: m.content,
        attachments: m.meta.attachments,
        createdAt: m.createdAt,
        ...(m.branches && { branches: m.branches })
      })
      run = null
      continue
    }
    const runId = m.meta.runId
    if (!run || (runId && run.runId !== runId)) {
      run = { ...emptyAssistant(runId ?? m.id), runId, status: 'ok', createdAt: m.createdAt, firstId: m.id, ...(m.branches && { branches: m.branches }) }
      items.push(run)
    }
    if (m.role === 'tool') {
      const part = run.parts.find((p) => p.type === 'tool' && p.step.id === m.meta.toolCallId)
      const images = m.meta.images?.length ? { images: m.meta.images } : {}
      if (part?.type === 'tool') part.step = { ...part.step, result: m.content, isError: !!m.meta.isError, ...images }
      else
        run.parts.push({
          type: 'tool',
          step: { id: m.meta.toolCallId ?? m.id, name: m.meta.toolName ?? '?', arguments: '', result: m.content, isError: !!m.meta.isError, ...images }
        })
      continue
    }
    if (m.content) run.parts.push({ type: 'text', text: m.content })
    for (const c of m.meta.toolCalls ?? []) run.parts.push({ type: 'tool', step: { id: c.id, name: c.name, arguments: c.arguments } })
    if (m.meta.reasoning) run.reasoning += m.meta.reasoning
    if (m.meta.cards) run.cards = m.meta.cards.filter(isCard)
    if (m.meta.sources) run.sources = m.meta.sources
    if (m.meta.usage) run.usage = m.meta.usage
    if (m.meta.model) run.model = m.meta.model
    if (m.meta.durationMs !== undefined) run.durationMs = m.meta.durationMs
    if (m.meta.status) run.status = m.meta.status
    if (m.meta.error) run.error = m.meta.error
  }
  return items
}

/** One turn event applied to the answer being streamed; returns a new item (the list re-renders only it). */
export function applyTurnEvent(item: AssistantItem, e: TurnEvent): AssistantItem {
  switch (e.type) {
    case 'start':
      return { ...item, runId: e.runId }
    case 'delta': {
      const last = item.parts.at(-1)
      if (last?.type === 'text') return { ...item, parts: [...item.parts.slice(0, -1), { type: 'text', text: last.text + e.content }] }
      return { ...item, parts: [...item.parts, { type: 'text', text: e.content }] }
    }
    case 'reasoning':
      return { ...item, reasoning: item.reasoning + e.content }
    case 'sentence':
      // For speaking clients; the text already came as deltas.
      return item
    case 'tool_call':
      return { ...item, parts: [...item.parts, { type: 'tool', step: { id: e.id, name: e.name, arguments: e.arguments } }] }
    case 'tool_progress': {
      const { progress, total, message } = e
      return {
        ...item,
        parts: item.parts.map((p) =>
          p.type === 'tool' && p.step.id === e.id ? { type: 'tool', step: { ...p.step, progress: { progress, total, message } } } : p
        )
      }
    }
    case 'tool_result':
      return {
        ...item,
        parts: item.parts.map((p) =>
          p.type === 'tool' && p.step.id === e.id
            ? {
                type: 'tool',
                step: { ...p.step, result: e.content, isError: e.isError, durationMs: e.durationMs, ...(e.images?.length && { images: e.images }) }
              }
            : p
        )
      }
    case 'card':
      return { ...item, cards: [...item.cards, e.card] }
    case 'sources':
      return { ...item, sources: [...item.sources, ...e.sources] }
    case 'wait':
      return { ...item, wait: { waitId: e.waitId, kind: e.kind, schema: e.schema, text: e.text } }
    case 'error':
      return { ...item, error: e.message }
    case 'done':
      return { ...item, status: e.status, usage: e.usage, model: e.model, durationMs: e.durationMs, wait: item.wait && { ...item.wait, answered: true } }
  }
}

/** Several events at once (a batch of deltas between two paints). */
export const applyTurnEvents = (item: AssistantItem, events: TurnEvent[]) => events.reduce(applyTurnEvent, item)

/** The text of an answer, for copying. */
export const answerText = (item: AssistantItem) =>
  item.parts
    .filter((p): p is { type: 'text'; text: string } => p.type === 'text')
    .map((p) => p.text)
    .join('\n\n')
