import type { AgentTemplate, TemplateId } from '@contract/onboarding'
import { App, Modal, Skeleton, Tag } from 'antd'
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { routeTo } from '../../shell/route'
import { useStudio } from '../../stores/hooks'
import { EmojiAvatar } from '../../ui/EmojiAvatar'
import { useFeedback } from '../../ui/feedback'
import { useSettings } from '../../queries/settings'
import { reloadCollection } from '../../queries/collections'

/** Agent templates to start from: one click makes the agent (and its knowledge base, tools or digital employee) and opens it. */
export function TemplatePicker({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation()
  const studio = useStudio()
  const { fail, ok } = useFeedback()
  const { message } = App.useApp()
  const language = useSettings()?.language ?? 'en'
  const [templates, setTemplates] = useState<AgentTemplate[] | null>(null)
  const [creating, setCreating] = useState<TemplateId | null>(null)

  useEffect(() => {
    if (!open || templates) return
    studio.connection.api.call('agentTemplates.list', {}).then(setTemplates, (err: unknown) => fail(err))
  }, [open, templates, studio, fail])

  const create = async (id: TemplateId) => {
    setCreating(id)
    try {
      const made = await studio.connection.api.call('agentTemplates.create', { templateId: id, language })
      await reloadCollection(studio, 'agents')
      if (made.missingTools.length) void message.warning({ content: t('templates.missingTools', { tools: made.missingTools.join(', ') }), duration: 8 })
      else ok(t('templates.created', { name: made.agent.name }))
      onClose()
      routeTo('agents', made.agent.id)
    } catch (err) {
      fail(err)
    } finally {
      setCreating(null)
    }
  }

  return (
    <Modal open={open} title={t('templates.title')} footer={null} onCancel={onClose} width={720} destroyOnHidden>
      {!templates ? (
        <Skeleton active />
      ) : (
        <div className="template-grid" data-testid="template-picker">
          {templates.map((tpl) => {
            const text = tpl.texts[language] ?? tpl.texts.en
            return (
              <button
                key={tpl.id}
                type="button"
                className="template-card"
                disabled={creating !== null}
                onClick={() => void create(tpl.id)}
                data-testid={`template-${tpl.id}`}
              >
                <EmojiAvatar value={tpl.avatar} size={40} />
                <span className="template-card-body">
                  <span className="template-card-title">{text?.name}</span>
                  <span className="template-card-hint">{text?.description}</span>
                  <span>
                    {tpl.extras.map((x) => (
                      <Tag key={x} className="template-tag">
                        {t(`templates.extras.${x}`)}
                      </Tag>
                    ))}
                  </span>
                </span>
              </button>
            )
          })}
        </div>
      )}
    </Modal>
  )
}
