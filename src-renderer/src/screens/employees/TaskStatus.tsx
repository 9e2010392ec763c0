import { SyncOutlined } from '@ant-design/icons'
import type { RunStatus, Schedule } from '@contract/schedules'
import { Tag, Tooltip } from 'antd'
import { useTranslation } from 'react-i18next'

export const RUN_COLORS: Record<RunStatus, string> = {
  running: 'processing',
  ok: 'success',
  error: 'error',
  timeout: 'warning',
  skipped: 'default',
  cancelled: 'default'
}
const TASK_COLORS = { active: 'green', paused: 'orange', finished: 'default' } as const

/** A run's outcome; its error as a tooltip. */
export function RunStatusTag({ status, error }: { status: RunStatus; error?: string | null }) {
  const { t } = useTranslation()
  const tag = (
    <Tag color={RUN_COLORS[status]} icon={status === 'running' ? <SyncOutlined spin /> : undefined} variant="filled" data-testid="run-status">
      {t(`employees.run.${status}`)}
    </Tag>
  )
  return error ? <Tooltip title={error}>{tag}</Tooltip> : tag
}

/** Whether the task is planned, paused or done, and whether a run of it is going now. */
export function TaskStatusTags({ task }: { task: Schedule }) {
  const { t } = useTranslation()
  return (
    <>
      <Tag color={TASK_COLORS[task.status]} variant="filled" data-testid="task-status">
        {t(`employees.status.${task.status}`)}
      </Tag>
      {task.running && (
        <Tag color="processing" icon={<SyncOutlined spin />} variant="filled" data-testid="task-running">
          {t('employees.running')}
        </Tag>
      )}
    </>
  )
}
