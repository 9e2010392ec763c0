import './onboarding.css'
import { CheckCircleFilled, CloseOutlined } from '@ant-design/icons'
import type { FirstRunStatus, LocalModelServer } from '@contract/onboarding'
import { Button, Card, Space, Steps, Tag } from 'antd'
import { useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { routeTo } from '../../shell/route'
import { useStudio } from '../../stores/hooks'
import { useFeedback } from '../../ui/feedback'
import { useCollection, reloadCollection } from '../../queries/collections'

const DISMISSED = 'agenta.firstRun.dismissed'
/** Studio events after which a step may have been done (by this screen or any other client). */
const WATCHED = new Set(['providers.changed', 'agents.changed', 'sessions.changed'])

/** The first-run status, re-read whenever a model, an agent or a chat changes. */
function useFirstRun() {
  const studio = useStudio()
  const [status, setStatus] = useState<FirstRunStatus | null>(null)
  const reload = useCallback(
    () =>
      studio.connection.api.call('firstRun.status', {}).then(
        (s) => setStatus(s),
        () => undefined
      ),
    [studio]
  )
  useEffect(() => {
    void reload()
    return studio.connection.events((name) => {
      if (WATCHED.has(name)) void reload()
    })
  }, [studio, reload])
  return { status, reload }
}

/** Ollama or LM Studio answering on the core's machine, asked once while the model step is open. */
function useLocalServers(enabled: boolean) {
  const studio = useStudio()
  const [servers, setServers] = useState<LocalModelServer[]>([])
  useEffect(() => {
    if (!enabled) return
    let live = true
    studio.connection.api.call('providers.detectLocal', {}).then(
      (s) => live && setServers(s),
      () => undefined
    )
    return () => {
      live = false
    }
  }, [studio, enabled])
  return servers
}

/**
 * The newcomer's path, visible until done: add a model (a local server found is one click), make
 * an agent (blank or from a template), chat with it. Each step ticks itself from the studio's real
 * state; the card can be dismissed for good.
 */
export function FirstRunCard({ onNewAgent, onTemplates }: { onNewAgent: () => void; onTemplates: () => void }) {
  const { t } = useTranslation()
  const studio = useStudio()
  const { fail, ok } = useFeedback()
  const agents = useCollection('agents').items
  const [dismissed, setDismissed] = useState(() => localStorage.getItem(DISMISSED) === '1')
  const { status, reload } = useFirstRun()
  const [adding, setAdding] = useState<string | null>(null)
  const needModel = !!status && status.chatModels === 0
  const servers = useLocalServers(needModel && !dismissed)

  if (dismissed || !status) return null
  const done = [status.chatModels > 0, status.agents > 0, status.answers > 0]
  if (done.every(Boolean)) return null
  const current = done.indexOf(false)

  const addLocal = async (s: LocalModelServer) => {
    setAdding(s.kind)
    try {
      const api = studio.connection.api
      const id = s.providerId ?? (await api.call('providers.create', { name: s.name, kind: s.kind, baseUrl: s.baseUrl, enabled: true })).id
      await api.call('providers.refreshModels', { id })
      await reloadCollection(studio, 'providers')
      ok(t('firstRun.localAdded', { name: s.name, count: s.models.length }))
      await reload()
    } catch (err) {
      fail(err)
    } finally {
      setAdding(null)
    }
  }
  const dismiss = () => {
    localStorage.setItem(DISMISSED, '1')
    setDismissed(true)
  }

  const tick = (i: number) => (done[i] ? <span data-testid={`first-run-done-${i + 1}`}>{t('firstRun.done')}</span> : null)
  const items = [
    {
      title: t('firstRun.model'),
      content: done[0] ? (
        tick(0)
      ) : (
        <Space orientation="vertical" size={6}>
          <span className="muted small">{t('firstRun.modelHint')}</span>
          {servers.map((s) => (
            <Space key={s.kind} wrap data-testid={`local-server-${s.kind}`}>
              <Tag color="green">{t('firstRun.found', { name: s.name, count: s.models.length })}</Tag>
              <Button size="small" type="primary" loading={adding === s.kind} onClick={() => void addLocal(s)} data-testid={`local-server-add-${s.kind}`}>
                {t('firstRun.useLocal', { name: s.name })}
              </Button>
            </Space>
          ))}
          <Button size="small" onClick={() => routeTo('models')} data-testid="first-run-models">
            {t('firstRun.openModels')}
          </Button>
        </Space>
      )
    },
    {
      title: t('firstRun.agent'),
      content: done[1] ? (
        tick(1)
      ) : (
        <Space wrap>
          <Button size="small" type={current === 1 ? 'primary' : 'default'} onClick={onNewAgent} data-testid="first-run-new-agent">
            {t('firstRun.newAgent')}
          </Button>
          <Button size="small" onClick={onTemplates} data-testid="first-run-templates">
            {t('firstRun.fromTemplate')}
          </Button>
        </Space>
      )
    },
    {
      title: t('firstRun.chat'),
      content: done[2] ? (
        tick(2)
      ) : (
        <Button
          size="small"
          type={current === 2 ? 'primary' : 'default'}
          disabled={!done[1]}
          onClick={() => routeTo('chat', agents[0]?.id)}
          data-testid="first-run-chat"
        >
          {t('firstRun.openChat')}
        </Button>
      )
    }
  ].map((s, i) => ({
    ...s,
    status: done[i] ? ('finish' as const) : i === current ? ('process' as const) : ('wait' as const),
    ...(done[i] && { icon: <CheckCircleFilled /> })
  }))

  return (
    <Card
      className="first-run"
      size="small"
      title={t('firstRun.title')}
      extra={
        <Button
          type="text"
          size="small"
          icon={<CloseOutlined />}
          aria-label={t('firstRun.dismiss')}
          title={t('firstRun.dismiss')}
          onClick={dismiss}
          data-testid="first-run-dismiss"
        />
      }
      data-testid="first-run"
    >
      <Steps orientation="vertical" size="small" current={current} items={items} />
    </Card>
  )
}
