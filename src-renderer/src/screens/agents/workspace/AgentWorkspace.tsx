import { ArrowLeftOutlined, MessageOutlined } from '@ant-design/icons'
import type { AgentToolBinding } from '@contract/entities'
import type { AgentKnowledgeBinding } from '@contract/knowledge'
import { Button, Form, Result, Skeleton, Tabs } from 'antd'
import { useCallback, useEffect, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { routeTo } from '../../../shell/route'
import { useStudio } from '../../../stores/hooks'
import { EmojiAvatar } from '../../../ui/EmojiAvatar'
import { useErrorToast, useFeedback } from '../../../ui/feedback'
import { useUnsavedGuard } from '../../../ui/useUnsavedGuard'
import { BasicsSection, CardsSection, MemorySection, ModelSection, PromptSection, ThemeSection, WelcomeSection } from './ConfigSections'
import { agentFieldFor, toFormValues, toUpdate, type AgentFormValues } from '../agent-form'
import { DigitalHumanSection } from './DigitalHumanSection'
import { KnowledgeSection } from './KnowledgeSection'
import { Preview } from './Preview'
import { PublishPanel } from './PublishPanel'
import { SharingSection } from './SharingSection'
import { ToolsSection } from './ToolsSection'
import './workspace.css'
import { useCollection, updateItem } from '../../../queries/collections'
import { useApiQuery } from '../../../queries/api-query'
import { apiKey } from '../../../queries/keys'

const sameBindings = (a: unknown[], b: unknown[]) => JSON.stringify(a) === JSON.stringify(b)

/** The agent editor: configuration on the left, a live chat preview on the right; publishing in its own tab. */
export function AgentWorkspace({ agentId }: { agentId: string }) {
  const { t } = useTranslation()
  const studio = useStudio()
  const { fail, ok } = useFeedback()
  const agents = useCollection('agents')
  const agent = agents.items.find((a) => a.id === agentId) ?? null
  const loaded = agents.loaded
  const [form] = Form.useForm<AgentFormValues>()
  const [tab, setTab] = useState('config')
  const [saving, setSaving] = useState(false)
  const [formDirty, setFormDirty] = useState(false)
  // The saved bindings, and the edits of them (null: nothing edited yet, the saved ones show).
  const savedTools = useApiQuery('agents.tools', { id: agentId })
  const savedKbs = useApiQuery('agents.knowledgeBases', { id: agentId })
  useErrorToast(savedTools.error ?? savedKbs.error)
  const saved = savedTools.data && savedKbs.data ? { tools: savedTools.data, kbs: savedKbs.data } : null
  const [editedTools, setTools] = useState<AgentToolBinding[] | null>(null)
  const [editedKbs, setKbs] = useState<AgentKnowledgeBinding[] | null>(null)
  const tools = editedTools ?? saved?.tools ?? null
  const kbs = editedKbs ?? saved?.kbs ?? null

  const reset = useCallback(() => {
    if (!agent) return
    form.setFieldsValue(toFormValues(agent))
    setFormDirty(false)
  }, [agent, form])
  // The form starts from the stored agent once; later changes by others do not wipe an edit.
  const [initialised, setInitialised] = useState(false)
  useEffect(() => {
    if (agent && !initialised) {
      reset()
      setInitialised(true)
    }
  }, [agent, initialised, reset])

  const watched = Form.useWatch([], form) as AgentFormValues | undefined
  const bindingsDirty = !!saved && ((!!tools && !sameBindings(tools, saved.tools)) || (!!kbs && !sameBindings(kbs, saved.kbs)))
  const dirty = formDirty || bindingsDirty
  useUnsavedGuard(dirty)
  const persona = useMemo(
    () => ({
      name: watched?.name || agent?.name || '',
      avatar: watched?.avatar || agent?.avatar || '🤖',
      welcomeMessage: watched?.welcomeMessage ?? agent?.welcomeMessage ?? '',
      quickPhrases: (watched?.quickPhrases ?? agent?.quickPhrases ?? []).filter((p) => p?.trim()),
      notice: agent && !agent.model ? t('chat.noModelNotice') : undefined
    }),
    [watched, agent, t]
  )

  const save = async (values: AgentFormValues) => {
    if (!agent) return
    setSaving(true)
    try {
      const { api } = studio.connection
      await updateItem(studio, 'agents', agent.id, toUpdate(values, agent))
      const [tb, kb] = await Promise.all([
        tools && saved && !sameBindings(tools, saved.tools)
          ? api.call('agents.setTools', { id: agent.id, bindings: tools })
          : Promise.resolve(saved?.tools ?? []),
        kbs && saved && !sameBindings(kbs, saved.kbs)
          ? api.call('agents.setKnowledgeBases', { id: agent.id, bindings: kbs })
          : Promise.resolve(saved?.kbs ?? [])
      ])
      studio.queries.setQueryData(apiKey('agents.tools', { id: agent.id }), tb)
      studio.queries.setQueryData(apiKey('agents.knowledgeBases', { id: agent.id }), kb)
      setTools(null)
      setKbs(null)
      setFormDirty(false)
      ok(t('common.saved'))
    } catch (err) {
      fail(err, form, agentFieldFor)
    } finally {
      setSaving(false)
    }
  }

  if (!agent) {
    if (!loaded) return <Skeleton active className="page" />
    return <Result status="404" title={t('workspace.notFound')} extra={<Button onClick={() => routeTo('agents')}>{t('workspace.back')}</Button>} />
  }

  return (
    <div className="workspace" data-testid="agent-workspace">
      <div className="ws-head">
        <Button type="text" icon={<ArrowLeftOutlined />} onClick={() => routeTo('agents')} aria-label={t('workspace.back')} data-testid="ws-back" />
        <EmojiAvatar value={persona.avatar} size={32} />
        <div className="ws-title">{persona.name}</div>
        <Tabs
          activeKey={tab}
          onChange={setTab}
          className="ws-tabs"
          items={[
            { key: 'config', label: <span data-testid="ws-tab-config">{t('workspace.configure')}</span> },
            { key: 'publish', label: <span data-testid="ws-tab-publish">{t('workspace.publish')}</span> }
          ]}
        />
        <span className="grow" />
        <Button icon={<MessageOutlined />} onClick={() => routeTo('chat', agent.id)} data-testid="ws-open-chat">
          {t('workspace.openChat')}
        </Button>
        {tab === 'config' && (
          <>
            <Button
              disabled={!dirty || saving}
              onClick={() => {
                reset()
                setTools(null)
                setKbs(null)
              }}
            >
              {t('workspace.discard')}
            </Button>
            <Button type="primary" loading={saving} disabled={!dirty} onClick={() => form.submit()} data-testid="ws-save">
              {t('common.save')}
            </Button>
          </>
        )}
      </div>
      <div className="ws-body">
        <div className="ws-config">
          <Form
            form={form}
            layout="vertical"
            onFinish={save}
            onValuesChange={() => setFormDirty(true)}
            requiredMark={false}
            className={tab === 'config' ? '' : 'hidden'}
          >
            <BasicsSection />
            <ModelSection />
            <PromptSection />
            {tools ? <ToolsSection value={tools} onChange={setTools} /> : <Skeleton active />}
            {kbs ? <KnowledgeSection value={kbs} onChange={setKbs} /> : null}
            <WelcomeSection />
            <DigitalHumanSection voiceOverride={!!(agent.digitalHuman?.ttsModelId || agent.digitalHuman?.voice || agent.digitalHuman?.speed)} />
            <CardsSection />
            <ThemeSection />
            <MemorySection />
          </Form>
          {tab === 'publish' && <PublishPanel agent={agent} />}
          {tab === 'publish' && <SharingSection agentId={agent.id} />}
        </div>
        <Preview agent={agent} persona={persona} color={watched?.primaryColor} dirty={dirty} />
      </div>
    </div>
  )
}
