import { ReloadOutlined } from '@ant-design/icons'
import type { Agent } from '@contract/entities'
import { Button, ConfigProvider, Tooltip } from 'antd'
import { useEffect, useMemo, type CSSProperties } from 'react'
import { useTranslation } from 'react-i18next'
import { ChatView, type ChatPersona } from '../../../chat/ChatView'
import { createConversationStore } from '../../../stores/conversation'
import { useStudio } from '../../../stores/hooks'
import { STUDIO_USER } from '../../../stores/sessions'

interface Props {
  agent: Agent
  persona: ChatPersona
  color?: string | null
  dirty: boolean
}

/**
 * The live preview: the same chat as the Chat screen, as the same user ("studio"), so what the
 * agent learns here is what it remembers there and what the memory screen shows under that user. Name, avatar, welcome and phrases follow the form as you type; answers
 * come from the saved agent, so the notice asks to save changes first.
 */
export function Preview({ agent, persona, color, dirty }: Props) {
  const { t } = useTranslation()
  const studio = useStudio()
  const store = useMemo(() => createConversationStore(studio.connection.api, { userId: STUDIO_USER }), [studio])
  useEffect(() => {
    void store.getState().open(agent.id, null)
    return () => store.getState().stop()
  }, [store, agent.id])
  const style = color ? ({ '--ant-color-primary': color } as CSSProperties) : undefined
  return (
    <div className="ws-preview" style={style} data-testid="ws-preview">
      <div className="ws-preview-head">
        <span className="ws-preview-title">{t('workspace.preview')}</span>
        <Tooltip title={t('workspace.previewUserHelp', { user: STUDIO_USER })}>
          <span className="muted small" data-testid="preview-user">
            {t('workspace.previewUser', { user: STUDIO_USER })}
          </span>
        </Tooltip>
        {dirty && <span className="muted small">{t('workspace.previewUnsaved')}</span>}
        <Tooltip title={t('workspace.previewRestart')}>
          <Button
            type="text"
            size="small"
            icon={<ReloadOutlined />}
            onClick={() => void store.getState().open(agent.id, null)}
            aria-label={t('workspace.previewRestart')}
            data-testid="preview-restart"
          />
        </Tooltip>
      </div>
      <ConfigProvider theme={color ? { token: { colorPrimary: color } } : undefined}>
        <ChatView store={store} persona={persona} />
      </ConfigProvider>
    </div>
  )
}
