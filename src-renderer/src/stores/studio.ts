import { studioEvents, type StudioEventName } from '@contract/api'
import type { Connection } from '../api'
import type { Settings, ServerStatus } from '@contract/entities'
import { createCollectionStore, type CollectionStore } from './collection'
import { createConversationStore, type ConversationStore } from './conversation'
import { createSessionsStore, type SessionsStore } from './sessions'
import { createProvidersStore, type ProvidersStore } from './providers'
import { createSettingsStore, type SettingsStore } from './settings'
import { createAreaStores, areaRefreshers, type AreaStores } from './areas'

export interface Studio extends AreaStores {
  connection: Connection
  providers: ProvidersStore
  agents: CollectionStore<'agents'>
  tools: CollectionStore<'tools'>
  knowledgeBases: CollectionStore<'knowledgeBases'>
  /** The digital humans registry (avatars agents pick). */
  digitalHumans: CollectionStore<'digitalHumans'>
  settings: SettingsStore
  /** The chat screen's sessions list and its open conversation. */
  sessions: SessionsStore
  chat: ConversationStore
  /** Keeps every store fresh from studio events; returns the unsubscribe function. */
  listen(): () => void
}

/** The renderer's state, one store per area, all on one connection. */
export function createStudio(connection: Connection): Studio {
  const { api } = connection
  const sessions = createSessionsStore(api)
  const studio: Omit<Studio, 'listen'> = {
    connection,
    providers: createProvidersStore(api),
    agents: createCollectionStore(api, 'agents'),
    tools: createCollectionStore(api, 'tools'),
    knowledgeBases: createCollectionStore(api, 'knowledgeBases'),
    digitalHumans: createCollectionStore(api, 'digitalHumans'),
    settings: createSettingsStore(api),
    sessions,
    ...createAreaStores(connection),
    chat: createConversationStore(api, {
      onSessionChange: (session) => {
        if ('title' in session) sessions.getState().add(session)
        else void sessions.getState().refresh()
      }
    })
  }
  const refreshers: Record<string, (payload: unknown) => void> = {
    'providers.changed': () => {
      void studio.providers.getState().load()
      void studio.providers.getState().loadModels()
    },
    'agents.changed': () => void studio.agents.getState().load(),
    'sessions.changed': (payload) => {
      if ((payload as { agentId: string }).agentId === sessions.getState().agentId) void sessions.getState().refresh()
    },
    'tools.changed': () => void studio.tools.getState().load(),
    'knowledgeBases.changed': () => void studio.knowledgeBases.getState().load(),
    'digitalHumans.changed': () => void studio.digitalHumans.getState().load(),
    'settings.changed': (payload) => studio.settings.getState().apply({ settings: payload as Settings }),
    'server.changed': (payload) => studio.settings.getState().apply({ server: payload as ServerStatus }),
    ...areaRefreshers(studio)
  }
  return {
    ...studio,
    listen: () =>
      connection.events((name, payload) => {
        const parsed = studioEvents[name as StudioEventName]?.safeParse(payload)
        if (parsed?.success) refreshers[name]?.(parsed.data)
      })
  }
}
