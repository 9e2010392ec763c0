import type { Attachment } from '@contract/chat'
import { Alert, App, Button, Spin } from 'antd'
import { useCallback } from 'react'
import { useTranslation } from 'react-i18next'
import { useStore } from 'zustand'
import type { ConversationStore } from '../stores/conversation'
import { useFeedback } from '../ui/feedback'
import { AssistantMessage } from './AssistantMessage'
import { Composer } from './Composer'
import { MessageList } from './MessageList'
import { ModelSwitch } from './ModelSwitch'
import type { ChatItem } from './model'
import { UserMessage } from './UserMessage'
import { Welcome } from './Welcome'
import './chat.css'
import { translateError } from '../api/errors'

/** What the view shows of the agent; the editor passes its unsaved form values for a live preview. */
export interface ChatPersona {
  name: string
  avatar: string
  welcomeMessage: string
  quickPhrases: string[]
  /** Why the agent cannot answer yet (no model): shown above the input. */
  notice?: string
}

/** A conversation: messages, the streaming answer, and the input. Used by the chat screen and the editor's preview. */
export function ChatView({
  store,
  persona,
  onRetry,
  modelSwitch = false
}: {
  store: ConversationStore
  persona: ChatPersona
  onRetry?: () => void
  /** Offer another model for the next turns (the chat screen). */
  modelSwitch?: boolean
}) {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const { fail } = useFeedback()
  const items = useStore(store, (s) => s.items)
  const streaming = useStore(store, (s) => s.streaming)
  const loading = useStore(store, (s) => s.loading)
  const error = useStore(store, (s) => s.error)
  const sessionId = useStore(store, (s) => s.sessionId)

  const send = useCallback(
    (text: string, attachments?: Attachment[]) =>
      void store
        .getState()
        .send(text, attachments)
        .catch((err: unknown) => fail(err)),
    [store, fail]
  )
  const edit = useCallback(
    (id: string, text: string) =>
      void store
        .getState()
        .edit(id, text)
        .catch((err: unknown) => fail(err)),
    [store, fail]
  )
  const showBranch = useCallback(
    (id: string) =>
      void store
        .getState()
        .showBranch(id)
        .catch((err: unknown) => fail(err)),
    [store, fail]
  )
  const copy = useCallback(
    (text: string) =>
      void navigator.clipboard?.writeText(text).then(
        () => message.success(t('chat.copied')),
        () => message.error(t('chat.copyFailed'))
      ),
    [message, t]
  )
  const lastIndex = items.length - 1
  const render = (item: ChatItem, index: number) =>
    item.kind === 'user' ? (
      <UserMessage item={item} busy={streaming} onEdit={edit} onCopy={copy} onShowBranch={showBranch} />
    ) : (
      <AssistantMessage
        item={item}
        avatar={persona.avatar}
        store={store}
        isLast={index === lastIndex}
        busy={streaming}
        onSend={send}
        onCopy={copy}
        onBranchError={fail}
      />
    )

  return (
    <div className="chat-view" data-testid="chat-view">
      <div className="chat-scroll">
        {loading ? (
          <div className="center-screen">
            <Spin />
          </div>
        ) : error ? (
          <div className="chat-empty">
            <Alert
              type="error"
              showIcon
              title={t('chat.loadFailed')}
              description={translateError(error)}
              action={onRetry && <Button onClick={onRetry}>{t('common.retry')}</Button>}
            />
          </div>
        ) : items.length === 0 ? (
          <div className="chat-empty">
            <Welcome
              name={persona.name}
              avatar={persona.avatar}
              welcomeMessage={persona.welcomeMessage}
              quickPhrases={persona.quickPhrases}
              onSend={streaming ? undefined : send}
            />
          </div>
        ) : (
          <MessageList items={items} listKey={sessionId ?? 'new'} render={render} />
        )}
      </div>
      {persona.notice && <Alert type="warning" showIcon className="chat-notice" title={persona.notice} data-testid="chat-notice" />}
      {modelSwitch && (
        <div className="chat-model-row">
          <ModelSwitch store={store} />
        </div>
      )}
      <Composer streaming={streaming} phrases={items.length ? persona.quickPhrases : []} onSend={send} onStop={() => store.getState().stop()} />
    </div>
  )
}
