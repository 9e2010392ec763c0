import type { Dependents, DependentKind } from '@contract/entities'
import { App, type ButtonProps } from 'antd'
import { useTranslation } from 'react-i18next'
import { useStudio } from '../stores/hooks'
import { useFeedback } from './feedback'

interface DeleteConfirm {
  kind: DependentKind
  id: string
  title: string
  /** What the screen adds (e.g. a knowledge base's document count). */
  body?: string
  remove: () => Promise<unknown>
}

/**
 * The one delete confirmation for agents, knowledge bases, models and digital humans: it asks the server what
 * goes with the item (dependents.get) and names it, so nothing is deleted or unbound silently.
 */
export function useDeleteConfirm() {
  const { t } = useTranslation()
  const studio = useStudio()
  const { modal } = App.useApp()
  const { fail, ok } = useFeedback()
  return async (o: DeleteConfirm) => {
    let deps: Dependents
    try {
      deps = await studio.connection.api.call('dependents.get', { kind: o.kind, id: o.id })
    } catch (err) {
      return fail(err)
    }
    modal.confirm({
      title: o.title,
      content: <DependentsText kind={o.kind} deps={deps} body={o.body} />,
      okText: t('common.delete'),
      okButtonProps: { danger: true, 'data-testid': 'confirm-delete' } as ButtonProps,
      cancelText: t('common.cancel'),
      cancelButtonProps: { 'data-testid': 'confirm-cancel' } as ButtonProps,
      onOk: () =>
        o
          .remove()
          .then(() => ok(t('common.deleted')))
          .catch((err) => fail(err))
    })
  }
}

function DependentsText({ kind, deps, body }: { kind: DependentKind; deps: Dependents; body?: string }) {
  const { t } = useTranslation()
  const names = (items: Array<{ name: string }>) => items.map((i) => t('deps.quoted', { name: i.name })).join(t('deps.separator'))
  const lines: string[] = []
  if (body) lines.push(body)
  if (kind === 'agent') {
    if (deps.schedules.length) lines.push(t('deps.agentSchedules', { count: deps.schedules.length, names: names(deps.schedules) }))
    if (deps.sessions) lines.push(t('deps.agentSessions', { count: deps.sessions }))
    if (!deps.schedules.length && !deps.sessions) lines.push(t('deps.agentNothing'))
  } else if (kind === 'digitalHuman') {
    lines.push(deps.agents.length ? t('deps.digitalHumanAgents', { count: deps.agents.length, names: names(deps.agents) }) : t('deps.digitalHumanUnused'))
  } else if (kind === 'knowledgeBase') {
    lines.push(deps.agents.length ? t('deps.kbAgents', { count: deps.agents.length, names: names(deps.agents) }) : t('deps.kbNoAgents'))
  } else {
    if (deps.agents.length) lines.push(t('deps.modelAgents', { count: deps.agents.length, names: names(deps.agents) }))
    if (deps.schedules.length) lines.push(t('deps.modelSchedules', { count: deps.schedules.length, names: names(deps.schedules) }))
    if (!deps.agents.length && !deps.schedules.length) lines.push(t('deps.modelUnused'))
  }
  return (
    <div data-testid="delete-dependents">
      {lines.map((line) => (
        <p key={line}>{line}</p>
      ))}
    </div>
  )
}
