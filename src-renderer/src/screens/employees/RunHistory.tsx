import { CheckCircleFilled, CloseCircleFilled, MailOutlined, ReloadOutlined, SendOutlined } from '@ant-design/icons'
import type { DeliveryResult, Schedule, ScheduleRun } from '@contract/schedules'
import { Alert, Button, Empty, Spin, Table, Tabs, Tag, Tooltip, type TableColumnsType } from 'antd'
import { lazy, Suspense, useEffect, useState, type Key } from 'react'
import { useTranslation } from 'react-i18next'
import { useRuns } from '../../queries/employees'
import { useErrorToast } from '../../ui/feedback'
import { useFormatDate } from '../../ui/format'
import { useUnits } from '../../ui/units'
import { RunTrace } from './RunTrace'
import { RunStatusTag } from './TaskStatus'

// The chat's Markdown (tables, code, math): loaded when a run is first opened.
const Markdown = lazy(() => import('../../chat/markdown/Markdown').then((m) => ({ default: m.Markdown })))

const TRIGGER_COLORS = { schedule: 'blue', manual: 'purple', missed: 'orange' } as const

function Deliveries({ items }: { items: DeliveryResult[] }) {
  const { t } = useTranslation()
  if (!items.length) return <span className="muted">—</span>
  return (
    <span className="emp-deliveries" data-testid="run-deliveries">
      {items.map((d, i) => (
        <Tooltip key={i} title={d.ok ? d.target : t('employees.delivery.failed', { target: d.target, message: d.error ?? '' })}>
          <Tag color={d.ok ? 'success' : 'error'} icon={d.channel === 'email' ? <MailOutlined /> : <SendOutlined />} variant="filled">
            {t(`employees.delivery.${d.channel}`)} {d.ok ? <CheckCircleFilled /> : <CloseCircleFilled />}
          </Tag>
        </Tooltip>
      ))}
    </span>
  )
}

/** A run opened in the history: its output as Markdown, its error, and its trace. */
function RunDetail({ run }: { run: ScheduleRun }) {
  const { t } = useTranslation()
  const output = (
    <div className="emp-output" data-testid="run-output">
      {run.error && <Alert type={run.status === 'timeout' ? 'warning' : 'error'} showIcon title={run.error} className="emp-run-error" />}
      {run.output ? (
        <Suspense fallback={<pre className="emp-pre">{run.output}</pre>}>
          <Markdown text={run.output} streaming={run.status === 'running'} />
        </Suspense>
      ) : (
        <span className="muted">{run.status === 'running' ? t('employees.runs.working') : t('employees.runs.noOutput')}</span>
      )}
    </div>
  )
  const items = [
    { key: 'output', label: t('employees.runs.output'), children: output },
    ...(run.runId
      ? [{ key: 'trace', label: <span data-testid="run-trace-tab">{t('employees.runs.trace')}</span>, children: <RunTrace runId={run.runId} /> }]
      : [])
  ]
  return <Tabs size="small" items={items} className="emp-run-tabs" />
}

/** Every run of the task, newest first; a row opens to its output and trace. */
export function RunHistory({ task }: { task: Schedule }) {
  const { t } = useTranslation()
  const formatDate = useFormatDate()
  const units = useUnits()
  const runs = useRuns(task.id)
  useErrorToast(runs.error)
  const items = runs.data ?? []
  const [expanded, setExpanded] = useState<readonly Key[]>([])
  const newest = items[0]?.id
  // The newest run opens by itself: after "run now" its output is what the user wants to see.
  useEffect(() => {
    if (newest) setExpanded((keys) => (keys.includes(newest) ? keys : [newest, ...keys]))
  }, [newest])

  const columns: TableColumnsType<ScheduleRun> = [
    { title: t('employees.runs.time'), key: 'time', render: (_, r) => formatDate(r.startedAt) },
    {
      title: t('employees.runs.trigger'),
      key: 'trigger',
      width: 120,
      render: (_, r) => (
        <Tag color={TRIGGER_COLORS[r.trigger]} variant="filled">
          {t(`employees.trigger.${r.trigger}`)}
        </Tag>
      )
    },
    { title: t('employees.runs.status'), key: 'status', width: 130, render: (_, r) => <RunStatusTag status={r.status} error={r.error} /> },
    { title: t('employees.runs.duration'), key: 'duration', width: 120, render: (_, r) => (r.durationMs === null ? '—' : units.duration(r.durationMs)) },
    { title: t('employees.runs.deliveries'), key: 'deliveries', render: (_, r) => <Deliveries items={r.deliveries} /> }
  ]

  return (
    <section className="emp-runs" data-testid="run-history">
      <div className="section-title-row">
        <div className="section-title">{t('employees.runs.title')}</div>
        <Tooltip title={t('employees.runs.refresh')}>
          <Button size="small" type="text" icon={<ReloadOutlined />} onClick={() => void runs.refetch()} aria-label={t('employees.runs.refresh')} />
        </Tooltip>
      </div>
      {runs.isPending ? (
        <Spin className="emp-center" />
      ) : items.length ? (
        <>
          <Table<ScheduleRun>
            rowKey="id"
            size="middle"
            columns={columns}
            dataSource={items}
            pagination={false}
            expandable={{
              expandedRowRender: (r) => <RunDetail run={r} />,
              expandRowByClick: true,
              expandedRowKeys: expanded,
              onExpandedRowsChange: setExpanded
            }}
            rowClassName={() => 'emp-run-row'}
          />
          {runs.hasNextPage && (
            <Button block type="text" loading={runs.isFetchingNextPage} onClick={() => void runs.fetchNextPage()} className="emp-more">
              {t('employees.runs.more')}
            </Button>
          )}
        </>
      ) : (
        <Empty description={t('employees.runs.empty')} />
      )}
    </section>
  )
}
