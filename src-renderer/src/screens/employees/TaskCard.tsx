import { CaretRightOutlined, ClockCircleOutlined, FieldTimeOutlined, RobotOutlined, ScheduleOutlined } from '@ant-design/icons'
import type { Schedule } from '@contract/schedules'
import { Button, Switch, Tooltip } from 'antd'
import { useTranslation } from 'react-i18next'
import { useStudio } from '../../stores/hooks'
import { useFeedback } from '../../ui/feedback'
import { useFormatDate } from '../../ui/format'
import { useScheduleText } from './schedule-text'
import { RunStatusTag, TaskStatusTags } from './TaskStatus'
import { useCollection } from '../../queries/collections'
import { pauseSchedule, resumeSchedule, runNow as startRun } from '../../queries/employees'

/** One digital employee in the grid: what it does, for which agent, when next, how it last went. */
export function TaskCard({ task, onOpen }: { task: Schedule; onOpen: () => void }) {
  const { t } = useTranslation()
  const studio = useStudio()
  const { fail, ok } = useFeedback()
  const formatDate = useFormatDate()
  const { describe, runTime } = useScheduleText()
  const agents = useCollection('agents')
  const agent = agents.items.find((a) => a.id === task.agentId)
  // Until the agents have loaded, a missing one is not yet a deleted one.
  const agentsLoaded = agents.loaded
  const stop = (e: { stopPropagation(): void }) => e.stopPropagation()

  const toggle = (on: boolean) => (on ? resumeSchedule(studio, task.id) : pauseSchedule(studio, task.id)).catch((err) => fail(err))
  const runNow = () =>
    startRun(studio, task.id)
      .then(() => ok(t('employees.started')))
      .catch((err) => fail(err))

  return (
    <div className="entity-card emp-card" data-testid="task-card" role="button" tabIndex={0} onClick={onOpen} onKeyDown={(e) => e.key === 'Enter' && onOpen()}>
      <div className="entity-card-head">
        <span className={`emp-avatar ${task.running ? 'is-running' : ''}`}>
          <ClockCircleOutlined />
        </span>
        <div className="entity-card-title">
          <div className="entity-name" data-testid="task-name">
            {task.name}
          </div>
          <div className="entity-meta">
            <ClockCircleOutlined /> {formatDate(task.createdAt)}
          </div>
        </div>
        <span onClick={stop} onKeyDown={stop}>
          <Tooltip title={task.enabled ? t('employees.pause') : t('employees.resume')}>
            <Switch size="small" checked={task.enabled} onChange={toggle} aria-label={t('employees.enabled')} data-testid="task-toggle" />
          </Tooltip>
        </span>
      </div>
      <p className="entity-desc">{task.instruction}</p>
      <div className="emp-facts">
        <span>
          <RobotOutlined /> {agent?.name ?? (agentsLoaded ? t('employees.agentMissing') : '…')}
        </span>
        <span>
          <ScheduleOutlined /> {describe(task.schedule)}
        </span>
        <span data-testid="task-next">
          <FieldTimeOutlined />{' '}
          {task.nextRunAt ? t('employees.nextRun', { time: runTime(task.nextRunAt, task.timezone) }) : t(`employees.noNext.${task.status}`)}
        </span>
      </div>
      <div className="entity-card-foot">
        <TaskStatusTags task={task} />
        {task.lastRun && (
          <span className="emp-last-run">
            <span className="muted small">{t('employees.lastRun')}</span>
            <RunStatusTag status={task.lastRun.status} error={task.lastRun.error} />
          </span>
        )}
        <span className="grow" />
        <span onClick={stop} onKeyDown={stop}>
          <Tooltip title={t('employees.runNow')}>
            <Button
              type="text"
              size="small"
              icon={<CaretRightOutlined />}
              disabled={task.running}
              onClick={() => void runNow()}
              aria-label={t('employees.runNow')}
              data-testid="task-run-now"
            />
          </Tooltip>
        </span>
      </div>
    </div>
  )
}
