import { createStore, type StoreApi } from 'zustand/vanilla'
import type { Source } from '@contract/chat'
import type { CardData } from '../chat/model'
import type { ProtocolChunk, ProtocolClient } from './protocol'

export interface PhoneToolUse {
  id: string
  name: string
  done: boolean
  isError: boolean
}

export type PhoneItem =
  | { kind: 'user'; id: string; content: string }
  | {
      kind: 'assistant'
      id: string
      text: string
      cards: CardData[]
      tools: PhoneToolUse[]
      /** Knowledge passages the answer was given; its [1], [2]… point at them. */
      sources: Source[]
      error?: string
      streaming: boolean
    }

export interface PhoneState {
  items: PhoneItem[]
  streaming: boolean
  /** Why the last message failed before any answer came (network, key, unpublished). */
  error: string | null
  send(text: string): Promise<void>
  stop(): void
  /** Starts a new conversation (a new session on the next message). */
  reset(): void
}

export type PhoneStore = StoreApi<PhoneState>

export interface PhoneStorage {
  get(key: string): string | null
  set(key: string, value: string): void
  remove(key: string): void
}

let seq = 0
const nextId = () => `p${++seq}`

/** Applies one protocol chunk to the answer being streamed. */
export function applyChunk(item: Extract<PhoneItem, { kind: 'assistant' }>, c: ProtocolChunk): Extract<PhoneItem, { kind: 'assistant' }> {
  let next = item
  if (c.content) next = { ...next, text: next.text + c.content }
  if (c.card) next = { ...next, cards: [...next.cards, c.card] }
  if (c.type === 'tool_call' && c.tool) next = { ...next, tools: [...next.tools, { id: c.tool.id, name: c.tool.name, done: false, isError: false }] }
  if (c.type === 'tool_result' && c.tool)
    next = { ...next, tools: next.tools.map((t) => (t.id === c.tool!.id ? { ...t, done: true, isError: !!c.tool!.is_error } : t)) }
  if (c.type === 'sources' && c.sources?.length) next = { ...next, sources: [...next.sources, ...c.sources] }
  if (c.type === 'error' && c.error) next = { ...next, error: c.error.message }
  return next
}

/** The phone page's conversation over the original protocol; the session id survives reloads. */
export function createPhoneStore(client: ProtocolClient, agentUuid: string, storage: PhoneStorage): PhoneStore {
  const userKey = 'agenta.phone.user'
  const sessionKey = `agenta.phone.session.${agentUuid}`
  let userId = storage.get(userKey)
  if (!userId) {
    userId = `web-${Math.random().toString(36).slice(2, 10)}`
    storage.set(userKey, userId)
  }
  let controller: AbortController | null = null

  return createStore<PhoneState>()((set, get) => {
    const patchLast = (fn: (item: Extract<PhoneItem, { kind: 'assistant' }>) => Extract<PhoneItem, { kind: 'assistant' }>) =>
      set((s) => {
        const last = s.items.at(-1)
        return last?.kind === 'assistant' ? { items: [...s.items.slice(0, -1), fn(last)] } : {}
      })
    return {
      items: [],
      streaming: false,
      error: null,
      async send(text) {
        const message = text.trim()
        if (!message || get().streaming) return
        set((s) => ({
          items: [
            ...s.items,
            { kind: 'user', id: nextId(), content: message },
            { kind: 'assistant', id: nextId(), text: '', cards: [], tools: [], sources: [], streaming: true }
          ],
          streaming: true,
          error: null
        }))
        controller = new AbortController()
        try {
          const sessionId = await client.init(userId!, storage.get(sessionKey))
          storage.set(sessionKey, sessionId)
          await client.send({ sessionId, userId: userId!, message }, (chunk) => patchLast((item) => applyChunk(item, chunk)), controller.signal)
        } catch (err) {
          const why = err instanceof Error ? err.message : String(err)
          patchLast((item) => ({ ...item, error: why }))
          set({ error: why })
        } finally {
          controller = null
          patchLast((item) => ({ ...item, streaming: false }))
          set({ streaming: false })
        }
      },
      stop() {
        controller?.abort()
      },
      reset() {
        get().stop()
        storage.remove(sessionKey)
        set({ items: [], error: null })
      }
    }
  })
}
