import { ArrowLeftOutlined, BorderOutlined, CaretRightOutlined, ClockCircleOutlined, DeleteOutlined, EditOutlined, PauseOutlined } from '@ant-design/icons'
import type { Schedule } from '@contract/schedules'
import { App, Button, Result, Skeleton, Tag, Tooltip, type ButtonProps } from 'antd'
import { useState, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { routeTo } from '../../shell/route'
import { useStudio } from '../../stores/hooks'
import { useFeedback } from '../../ui/feedback'
import { RunHistory } from './RunHistory'
import { useScheduleText } from './schedule-text'
import { TaskDialog } from './TaskDialog'
import { TaskStatusTags } from './TaskStatus'
import { useCollection } from '../../queries/collections'
import { cancelRun, pauseSchedule, removeSchedule, resumeSchedule, runNow, useSchedules } from '../../queries/employees'
import { useModels } from '../../queries/models'

function useTaskAction() {
  const { fail, ok } = useFeedback()
  const [busy, setBusy] = useState<string | null>(null)
  const run = async (key: string, action: () => Promise<unknown>, done?: string) => {
    setBusy(key)
    try {
      await action()
      if (done) ok(done)
    } catch (err) {
      fail(err)
    } finally {
      setBusy(null)
    }
  }
  return { busy, run }
}

function TaskActions({ task, onEdit }: { task: Schedule; onEdit: () => void }) {
  const { t } = useTranslation()
  const studio = useStudio()
  const { modal } = App.useApp()
  const { busy, run } = useTaskAction()
  const remove = () =>
    modal.confirm({
      title: t('employees.deleteTitle', { name: task.name }),
      content: t('employees.deleteBody'),
      okText: t('common.delete'),
      okButtonProps: { danger: true, 'data-testid': 'confirm-delete' } as ButtonProps,
      cancelText: t('common.cancel'),
      onOk: () => run('delete', () => removeSchedule(studio, task.id).then(() => routeTo('employees')), t('common.deleted'))
    })
  return (
    <div className="page-header-extra">
      {task.running ? (
        <Button
          danger
          icon={<BorderOutlined />}
          loading={busy === 'stop'}
          onClick={() => void run('stop', () => cancelRun(studio, task.id), t('employees.stopped'))}
          data-testid="task-stop"
        >
          {t('employees.stop')}
        </Button>
      ) : (
        <Button
          type="primary"
          icon={<CaretRightOutlined />}
          loading={busy === 'run'}
          onClick={() => void run('run', () => runNow(studio, task.id), t('employees.started'))}
          data-testid="task-run"
        >
          {t('employees.runNow')}
        </Button>
      )}
      {task.enabled ? (
        <Button
          icon={<PauseOutlined />}
          loading={busy === 'pause'}
          onClick={() => void run('pause', () => pauseSchedule(studio, task.id))}
          data-testid="task-pause"
        >
          {t('employees.pause')}
        </Button>
      ) : (
        <Button
          icon={<CaretRightOutlined />}
          loading={busy === 'resume'}
          onClick={() => void run('resume', () => resumeSchedule(studio, task.id))}
          data-testid="task-resume"
        >
          {t('employees.resume')}
        </Button>
      )}
      <Button icon={<EditOutlined />} onClick={onEdit} data-testid="task-edit">
        {t('common.edit')}
      </Button>
      <Tooltip title={t('common.delete')}>
        <Button danger icon={<DeleteOutlined />} onClick={remove} aria-label={t('common.delete')} data-testid="task-delete" />
      </Tooltip>
    </div>
  )
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="emp-fact">
      <div className="emp-fact-label">{label}</div>
      <div className="emp-fact-value">{children}</div>
    </div>
  )
}

function TaskFacts({ task }: { task: Schedule }) {
  const { t } = useTranslation()
  const { describe, runTime } = useScheduleText()
  const agents = useCollection('agents')
  const agent = agents.items.find((a) => a.id === task.agentId)
  // Until the agents have loaded, a missing one is not yet a deleted one.
  const agentsLoaded = agents.loaded
  const model = useModels().models.find((m) => m.id === task.modelId)
  const d = task.delivery
  const channels = [
    d.notify && t('employees.channels.notify'),
    d.email && t('employees.channels.email', { to: d.email.to.join(', ') }),
    d.webhook && t('employees.channels.webhook', { url: d.webhook.url })
  ].filter(Boolean)
  return (
    <div className="emp-facts-panel">
      <div className="emp-instruction">{task.instruction}</div>
      <div className="emp-fact-grid">
        <Fact label={t('employees.form.agent')}>{agent?.name ?? (agentsLoaded ? t('employees.agentMissing') : '…')}</Fact>
        <Fact label={t('employees.form.model')}>{model?.modelId ?? t('employees.agentModel')}</Fact>
        <Fact label={t('employees.schedule')}>
          {describe(task.schedule)} · {task.timezone}
        </Fact>
        <Fact label={t('employees.loops')}>
          {task.loopCount ? t('employees.loopProgress', { done: task.runCount, total: task.loopCount }) : t('employees.forever', { done: task.runCount })}
        </Fact>
        <Fact label={t('employees.runTotal')}>
          <span data-testid="task-run-total">{t('employees.runTotalValue', { count: task.runTotal })}</span>
        </Fact>
        <Fact label={t('employees.nextRuns')}>
          {task.nextRuns.length ? (
            <span className="emp-next-list">
              {task.nextRuns.map((ts) => (
                <Tag key={ts} icon={<ClockCircleOutlined />} variant="filled">
                  {runTime(ts, task.timezone)}
                </Tag>
              ))}
            </span>
          ) : (
            t(`employees.noNext.${task.status}`)
          )}
        </Fact>
        <Fact label={t('employees.form.delivery')}>{channels.length ? channels.join(' · ') : t('employees.channels.historyOnly')}</Fact>
      </div>
    </div>
  )
}

/** One digital employee: run now, stop, pause, edit, delete, and its run history. */
export function TaskDetail({ id }: { id: string }) {
  const { t } = useTranslation()
  const { items, loaded } = useSchedules()
  const task = items.find((x) => x.id === id)
  const [editing, setEditing] = useState(false)

  if (!task) {
    if (!loaded) return <Skeleton active className="page" />
    return (
      <Result
        status="404"
        title={t('employees.notFound')}
        extra={
          <Button type="primary" onClick={() => routeTo('employees')}>
            {t('employees.back')}
          </Button>
        }
      />
    )
  }

  return (
    <div className="page emp-detail" data-testid="task-detail">
      <div className="emp-head">
        <Tooltip title={t('employees.back')}>
          <Button type="text" icon={<ArrowLeftOutlined />} onClick={() => routeTo('employees')} aria-label={t('employees.back')} data-testid="task-back" />
        </Tooltip>
        <span className={`emp-avatar emp-avatar-lg ${task.running ? 'is-running' : ''}`}>
          <ClockCircleOutlined />
        </span>
        <div className="emp-head-text">
          <h1 className="page-title" data-testid="task-title">
            {task.name}
          </h1>
          <div className="emp-head-tags">
            <TaskStatusTags task={task} />
          </div>
        </div>
        <TaskActions task={task} onEdit={() => setEditing(true)} />
      </div>
      <TaskFacts task={task} />
      <RunHistory task={task} />
      <TaskDialog open={editing} task={task} onClose={() => setEditing(false)} />
    </div>
  )
}
