import { ExportOutlined, FileImageOutlined, FileMarkdownOutlined, PrinterOutlined } from '@ant-design/icons'
import { Button, Dropdown } from 'antd'
import { useContext } from 'react'
import { useTranslation } from 'react-i18next'
import { conversationMarkdown, downloadBlob, downloadText, exportFileName, printConversation, type ExportLabels } from '../../chat/export/conversation-export'
import { conversationPng } from '../../chat/export/conversation-image'
import { ResolvedThemeContext } from '../../shell/theme'
import { groupMessages } from '../../chat/model'
import { useSessions } from '../../queries/sessions'
import { useArea, useStudio } from '../../stores/hooks'
import './chat-extras.css'
import { useFeedback } from '../../ui/feedback'
import { useFormatDate } from '../../ui/format'

/** Export the open conversation: Markdown to a file, a PNG image of it, or the print dialog (its "Save as PDF"). */
export function ExportMenu({ agentName }: { agentName: string }) {
  const { t } = useTranslation()
  const studio = useStudio()
  const { fail } = useFeedback()
  const formatDate = useFormatDate()
  const dark = useContext(ResolvedThemeContext) === 'dark'
  const sessionId = useArea('chat', (s) => s.sessionId)
  const sessions = useSessions().items

  const build = async () => {
    if (!sessionId) return null
    const messages = await studio.connection.api.call('sessions.messages', { id: sessionId })
    const title = sessions.find((s) => s.id === sessionId)?.title || t('chat.untitled')
    const labels: ExportLabels = {
      you: t('chatExport.you'),
      agent: t('chatExport.agent'),
      tools: t('chatExport.tools'),
      sources: t('chatExport.sources'),
      attachments: t('chatExport.attachments'),
      stopped: t('chatExport.stopped'),
      failed: t('chatExport.failed'),
      toolError: t('chatExport.toolError'),
      page: t('chatExport.page'),
      exportedAt: t('chatExport.exportedAt')
    }
    return { title, markdown: conversationMarkdown({ title, agentName, items: groupMessages(messages), labels, formatDate }) }
  }
  const run = (what: 'md' | 'png' | 'pdf') =>
    void build()
      .then(async (doc) => {
        if (!doc) return
        if (what === 'md') downloadText(doc.markdown, exportFileName(doc.title, 'md'))
        else if (what === 'png') downloadBlob(await conversationPng(doc.markdown, { dark }), exportFileName(doc.title, 'png'))
        else printConversation(doc.markdown, doc.title)
      })
      .catch((err: unknown) => fail(err))

  return (
    <Dropdown
      disabled={!sessionId}
      trigger={['click']}
      menu={{
        items: [
          { key: 'md', icon: <FileMarkdownOutlined />, label: <span data-testid="chat-export-md">{t('chatExport.markdown')}</span> },
          { key: 'png', icon: <FileImageOutlined />, label: <span data-testid="chat-export-png">{t('chatExport.image')}</span> },
          { key: 'pdf', icon: <PrinterOutlined />, label: <span data-testid="chat-export-pdf">{t('chatExport.pdf')}</span> }
        ],
        onClick: ({ key }) => run(key as 'md' | 'png' | 'pdf')
      }}
    >
      <Button icon={<ExportOutlined />} aria-label={t('chatExport.export')} data-testid="chat-export">
        <span className="chat-export-label">{t('chatExport.export')}</span>
      </Button>
    </Dropdown>
  )
}
