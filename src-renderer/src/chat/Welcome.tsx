import { useTranslation } from 'react-i18next'
import { EmojiAvatar } from '../ui/EmojiAvatar'

interface Props {
  name: string
  avatar: string
  welcomeMessage: string
  quickPhrases: string[]
  onSend?: (text: string) => void
}

/** An empty conversation: the agent introduces itself and offers its quick phrases, as in the original. */
export function Welcome({ name, avatar, welcomeMessage, quickPhrases, onSend }: Props) {
  const { t } = useTranslation()
  return (
    <div className="chat-welcome" data-testid="chat-welcome">
      <div className="chat-welcome-head">
        <div>
          <div className="chat-welcome-hello">{t('chat.hello')}</div>
          <div className="chat-welcome-text">{welcomeMessage || t('chat.defaultWelcome', { name })}</div>
        </div>
        <EmojiAvatar value={avatar} size={64} />
      </div>
      {quickPhrases.length > 0 && (
        <div className="chat-welcome-card">
          <div className="chat-welcome-try">{t('chat.tryAsking')}</div>
          {quickPhrases.map((p) => (
            <button key={p} type="button" className="card-question" onClick={() => onSend?.(p)} disabled={!onSend} data-testid="welcome-phrase">
              <span className="card-question-mark">#</span>
              {p}
            </button>
          ))}
        </div>
      )}
    </div>
  )
}
