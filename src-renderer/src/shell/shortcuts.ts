import { useEffect } from 'react'
import { useStudio } from '../stores/hooks'
import { routeTo } from './route'
import { cachedItems } from '../queries/collections'

/** The agent the chat screen last showed (ChatScreen keeps it). */
export const LAST_CHAT_AGENT = 'agenta.chatAgent'

/** Ctrl on Windows and Linux, ⌘ on a Mac: the modifier of the app's shortcuts. */
export const isMod = (e: KeyboardEvent) => (navigator.platform.toLowerCase().includes('mac') ? e.metaKey : e.ctrlKey) && !e.altKey && !e.shiftKey

/**
 * The studio's keyboard: Esc stops the answer that is streaming, Ctrl/⌘+N starts a new chat with
 * the agent last chatted with, Ctrl/⌘+K opens the command palette (`onPalette`).
 */
export function useShortcuts(onPalette: () => void) {
  const studio = useStudio()
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && studio.chat.getState().streaming) {
        studio.chat.getState().stop()
        return
      }
      if (!isMod(e)) return
      const key = e.key.toLowerCase()
      if (key === 'k') {
        e.preventDefault()
        onPalette()
      } else if (key === 'n') {
        e.preventDefault()
        const agents = cachedItems(studio.queries, 'agents')
        const agentId = studio.chat.getState().agentId ?? agents.find((a) => a.id === localStorage.getItem(LAST_CHAT_AGENT))?.id ?? agents[0]?.id
        if (!agentId) return routeTo('agents')
        routeTo('chat', agentId)
        void studio.chat.getState().open(agentId, null)
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [studio, onPalette])
}
