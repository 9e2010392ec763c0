import { createStore, type StoreApi } from 'zustand/vanilla'
import type { Attachment, ChatSession, RunStep, TurnEvent } from '@contract/chat'
import type { Api, StreamHandle } from '../api/client'
import { toApiError, translateError, type ApiError } from '../api/errors'
import { applyTurnEvents, emptyAssistant, groupMessages, isTemp, localAttachment, tempId, type AssistantItem, type ChatItem } from '../chat/model'

export interface ConversationState {
  agentId: string | null
  /** null: a new conversation; the session is created with the first message. */
  sessionId: string | null
  items: ChatItem[]
  loading: boolean
  /** Why the session could not be read (the list shows it with a retry). */
  error: ApiError | null
  streaming: boolean
  /** A chat model row for the next turns instead of the agent's own (null: the agent's). */
  modelId: string | null
  setModel(modelId: string | null): void
  open(agentId: string, sessionId: string | null): Promise<void>
  /** Sends a message, with images and files (base64) if any; `text` must not be empty (the core needs it). */
  send(text: string, attachments?: Attachment[]): Promise<void>
  regenerate(): Promise<void>
  /** Sends a new version of a user message (the old one and what followed it stay, as another branch). */
  edit(messageId: string, text: string): Promise<void>
  /** Shows the branch through another version of a message (`branches` of a user message or an answer). */
  showBranch(messageId: string): Promise<void>
  stop(): void
  answerWait(waitId: string, data: unknown): Promise<void>
  trace(runId: string): Promise<RunStep[]>
}

export type ConversationStore = StoreApi<ConversationState>

export interface ConversationOptions {
  /** Sessions started here belong to this user ("studio", or "preview" for the editor's preview). */
  userId?: string
  /** Deltas are painted in batches this far apart: fewer renders while a long answer streams. */
  flushMs?: number
  /** A session was created or changed by a turn (title, time): the sessions list refreshes. */
  onSessionChange?: (session: ChatSession | { id: string; agentId: string }) => void
}

/** One conversation: its messages, the answer being streamed, and the actions on them. */
export function createConversationStore(api: Api, opts: ConversationOptions = {}): ConversationStore {
  const flushMs = opts.flushMs ?? 40
  let stream: StreamHandle | null = null
  let openSeq = 0
  const traces = new Map<string, Promise<RunStep[]>>()

  return createStore<ConversationState>()((set, get) => {
    /** Applies events to the last item, which is the answer being streamed. */
    const patchLast = (events: TurnEvent[]) =>
      set((s) => {
        const last = s.items.at(-1)
        if (last?.kind !== 'assistant') return {}
        const items = s.items.slice()
        items[items.length - 1] = applyTurnEvents(last, events)
        return { items }
      })
    const patchLastWith = (fn: (item: AssistantItem) => AssistantItem) =>
      set((s) => {
        const last = s.items.at(-1)
        if (last?.kind !== 'assistant') return {}
        return { items: [...s.items.slice(0, -1), fn(last)] }
      })

    /** Streams one turn into a fresh assistant item at the end of the list. */
    const runTurn = async (input: { message?: string; regenerate?: boolean; editMessageId?: string; attachments?: Attachment[] }, before: ChatItem[]) => {
      const sessionId = get().sessionId!
      set({ items: [...before, emptyAssistant()], streaming: true })
      let pending: TurnEvent[] = []
      let timer: ReturnType<typeof setTimeout> | undefined
      const flush = () => {
        timer = undefined
        const batch = pending
        pending = []
        if (batch.length) patchLast(batch)
      }
      const modelId = get().modelId
      const handle = api.stream('chat.turn', { sessionId, ...input, ...(modelId && { modelId }) }, (event) => {
        pending.push(event)
        // Text arrives token by token: paint it in batches. Anything else shows at once.
        if (event.type === 'delta' || event.type === 'reasoning') timer ??= setTimeout(flush, flushMs)
        else {
          clearTimeout(timer)
          flush()
        }
      })
      stream = handle
      try {
        await handle.done
        clearTimeout(timer)
        flush()
      } catch (err) {
        clearTimeout(timer)
        flush()
        patchLastWith((item) => ({ ...item, status: 'error', error: translateError(err) }))
      } finally {
        if (stream === handle) stream = null
        // A stream that ended without `done` (cancelled, cut off) must not stay "streaming".
        patchLastWith((item) => (item.status === 'streaming' ? { ...item, status: 'stopped' } : item))
        set({ streaming: false })
        opts.onSessionChange?.({ id: sessionId, agentId: get().agentId! })
      }
    }

    /** Reads the session again so temporary ids become the stored ones. */
    const sync = async () => {
      const { sessionId } = get()
      if (!sessionId) return
      const messages = await api.call('sessions.messages', { id: sessionId })
      if (get().sessionId === sessionId && !get().streaming) set({ items: groupMessages(messages) })
    }

    /**
     * After an edit or a regenerate the stored session has a new branch: read it, so the message
     * shows "n/n" and its versions. An answer that failed without being stored stays as shown.
     */
    const syncAfterBranch = async () => {
      const last = get().items.at(-1)
      if (last?.kind === 'assistant' && last.status !== 'error') await sync().catch(() => undefined)
    }

    return {
      agentId: null,
      sessionId: null,
      items: [],
      loading: false,
      error: null,
      streaming: false,
      modelId: null,

      async open(agentId, sessionId) {
        get().stop()
        const seq = ++openSeq
        set({ agentId, sessionId, items: [], error: null, loading: !!sessionId })
        if (!sessionId) return
        try {
          const messages = await api.call('sessions.messages', { id: sessionId })
          // Reading a long session (JSON, validation) and drawing it are two tasks, not one long one.
          await new Promise((resolve) => setTimeout(resolve, 0))
          if (seq === openSeq) set({ items: groupMessages(messages), loading: false })
        } catch (err) {
          if (seq === openSeq) set({ error: toApiError(err), loading: false })
        }
      },

      async send(text, attachments = []) {
        const message = text.trim()
        const { agentId, streaming } = get()
        if (!message || !agentId || streaming) return
        if (!get().sessionId) {
          const session = await api.call('sessions.create', { agentId, userId: opts.userId ?? 'studio' })
          set({ sessionId: session.id })
          opts.onSessionChange?.(session)
        }
        const user: ChatItem = { kind: 'user', id: tempId(), content: message, createdAt: Date.now() }
        if (attachments.length) user.attachments = attachments.map(localAttachment)
        await runTurn(attachments.length ? { message, attachments } : { message }, [...get().items, user])
      },

      async regenerate() {
        const { items, streaming, sessionId } = get()
        const at = items.findLastIndex((i) => i.kind === 'user')
        if (streaming || !sessionId || at < 0) return
        await runTurn({ regenerate: true }, items.slice(0, at + 1))
        await syncAfterBranch()
      },

      async edit(messageId, text) {
        const message = text.trim()
        if (!message || get().streaming) return
        let at = get().items.findIndex((i) => i.id === messageId)
        if (at < 0) return
        if (isTemp(messageId)) {
          // Sent in this view: its stored id comes with a fresh read; the position is the same.
          await sync()
          at = Math.min(at, get().items.length - 1)
        }
        const target = get().items[at]
        if (target?.kind !== 'user') return
        const user: ChatItem = { kind: 'user', id: tempId(), content: message, createdAt: Date.now() }
        await runTurn({ message, editMessageId: target.id }, [...get().items.slice(0, at), user])
        await syncAfterBranch()
      },

      async showBranch(messageId) {
        const { sessionId, streaming } = get()
        if (!sessionId || streaming) return
        const messages = await api.call('sessions.showBranch', { id: sessionId, messageId })
        if (get().sessionId === sessionId && !get().streaming) set({ items: groupMessages(messages) })
      },

      stop() {
        stream?.cancel()
      },

      setModel(modelId) {
        set({ modelId })
      },

      async answerWait(waitId, data) {
        await api.call('chat.answerWait', { waitId, data })
        set((s) => ({ items: s.items.map((i) => (i.kind === 'assistant' && i.wait?.waitId === waitId ? { ...i, wait: { ...i.wait, answered: true } } : i)) }))
      },

      trace(runId) {
        let p = traces.get(runId)
        if (!p) {
          p = api.call('runs.get', { id: runId })
          // A failed read may be retried; a finished run's trace never changes.
          p.catch(() => traces.delete(runId))
          traces.set(runId, p)
        }
        return p
      }
    }
  })
}
