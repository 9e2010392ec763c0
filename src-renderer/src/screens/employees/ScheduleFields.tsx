import { CalendarOutlined, ExclamationCircleOutlined, LoadingOutlined } from '@ant-design/icons'
import { Form, Input, InputNumber, Radio, Select } from 'antd'
import { useTranslation } from 'react-i18next'
import { useScheduleText } from './schedule-text'
import { EXPRESSION_MODES, toScheduleSpec, type TaskFormValues } from './task-form'
import { useSchedulePreview } from './useSchedulePreview'

const required = (message: string) => [{ required: true, message }]

function ExpressionPickers({ mode }: { mode: TaskFormValues['exprMode'] }) {
  const { t } = useTranslation()
  const { days } = useScheduleText()
  const time = (
    <Form.Item name="time" label={t('employees.form.time')} rules={required(t('employees.form.required'))} className="emp-field-time">
      <Input type="time" data-testid="task-time" />
    </Form.Item>
  )
  switch (mode) {
    case 'daily':
      return time
    case 'weekly':
      return (
        <>
          <Form.Item name="weekday" label={t('employees.form.weekday')} className="emp-field-weekday">
            <Select options={days.map((label, value) => ({ value, label }))} data-testid="task-weekday" />
          </Form.Item>
          {time}
        </>
      )
    case 'monthly':
      return (
        <>
          <Form.Item
            name="day"
            label={t('employees.form.day')}
            rules={required(t('employees.form.required'))}
            tooltip={t('employees.form.dayHelp')}
            className="emp-field-day"
          >
            <InputNumber min={1} max={31} className="full-width" data-testid="task-day" />
          </Form.Item>
          {time}
        </>
      )
    case 'once':
      return (
        <Form.Item name="at" label={t('employees.form.at')} rules={required(t('employees.form.required'))} className="emp-field-at">
          <Input type="datetime-local" data-testid="task-at" />
        </Form.Item>
      )
    case 'cron':
      return (
        <Form.Item
          name="expression"
          label={t('employees.form.expression')}
          rules={required(t('employees.form.required'))}
          tooltip={t('employees.form.expressionHelp')}
          className="grow"
        >
          <Input className="mono" placeholder="0 8 * * 1-5" data-testid="task-cron" />
        </Form.Item>
      )
  }
}

/** The next runs of the schedule being edited, or the server's reason it is invalid. */
function NextRuns({ open }: { open: boolean }) {
  const { t } = useTranslation()
  const form = Form.useFormInstance<TaskFormValues>()
  const values = Form.useWatch((v: Partial<TaskFormValues>) => v, form)
  const spec = values ? toScheduleSpec(values) : null
  const preview = useSchedulePreview(spec, values?.timezone, open)
  const { runTime } = useScheduleText()
  if (!spec) return null
  if (preview.error)
    return (
      <div className="emp-preview is-error" data-testid="schedule-error">
        <ExclamationCircleOutlined /> {preview.error}
      </div>
    )
  return (
    <div className="emp-preview" data-testid="schedule-preview">
      {preview.loading ? <LoadingOutlined /> : <CalendarOutlined />}
      <span className="emp-preview-label">{t('employees.form.nextRuns')}</span>
      {preview.nextRuns.length ? (
        preview.nextRuns.map((ts) => (
          <span key={ts} className="emp-preview-run" data-testid="next-run">
            {runTime(ts, values?.timezone ?? '')}
          </span>
        ))
      ) : (
        <span className="muted">{preview.loading ? '' : t('employees.form.noNextRuns')}</span>
      )}
    </div>
  )
}

/** Interval (every N minutes/hours) or expression (daily, weekly, monthly, once, custom cron). */
export function ScheduleFields({ open }: { open: boolean }) {
  const { t } = useTranslation()
  const kind = Form.useWatch('scheduleKind') as TaskFormValues['scheduleKind'] | undefined
  const mode = (Form.useWatch('exprMode') as TaskFormValues['exprMode'] | undefined) ?? 'daily'
  return (
    <div className="emp-schedule">
      <Form.Item name="scheduleKind" label={t('employees.form.scheduleKind')}>
        <Radio.Group
          optionType="button"
          buttonStyle="solid"
          options={[
            { value: 'interval', label: <span data-testid="kind-interval">{t('employees.form.kinds.interval')}</span> },
            { value: 'expression', label: <span data-testid="kind-expression">{t('employees.form.kinds.expression')}</span> }
          ]}
        />
      </Form.Item>
      <div className="emp-schedule-row">
        {kind === 'interval' ? (
          <>
            <Form.Item name="every" label={t('employees.form.every')} rules={required(t('employees.form.required'))} className="emp-field-every">
              <InputNumber min={1} max={10000} className="full-width" data-testid="task-every" />
            </Form.Item>
            <Form.Item name="unit" label=" " className="emp-field-unit">
              <Select
                options={[
                  { value: 'minutes', label: t('employees.form.minutes') },
                  { value: 'hours', label: t('employees.form.hours') }
                ]}
              />
            </Form.Item>
          </>
        ) : (
          <>
            <Form.Item name="exprMode" label={t('employees.form.exprMode')} className="emp-field-mode">
              <Select options={EXPRESSION_MODES.map((m) => ({ value: m, label: t(`employees.form.modes.${m}`) }))} data-testid="task-expr-mode" />
            </Form.Item>
            <ExpressionPickers mode={mode} />
          </>
        )}
      </div>
      <NextRuns open={open} />
    </div>
  )
}
