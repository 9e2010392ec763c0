import type { Model } from '@contract/entities'
import type { Schedule } from '@contract/schedules'
import { Form, Input, InputNumber, Modal, Select, Spin, Switch, type ButtonProps } from 'antd'
import { useEffect, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useStudio } from '../../stores/hooks'
import { useFeedback } from '../../ui/feedback'
import { useModelOptions } from '../../ui/useModelOptions'
import { ScheduleFields } from './ScheduleFields'
import { emptyTask, fromSchedule, taskFieldFor, toTaskInput, type TaskFormValues } from './task-form'
import { useCollection } from '../../queries/collections'
import { createSchedule, updateSchedule } from '../../queries/employees'

interface Props {
  open: boolean
  task: Schedule | null
  onClose: () => void
  onSaved?: (task: Schedule) => void
}

const modelRowId = (m: Model) => m.id

/** IANA zones the browser knows; the core checks the same list (Intl) when it saves. */
function useTimeZones() {
  return useMemo(() => {
    const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : []
    return (zones.includes('UTC') ? zones : [...zones, 'UTC']).map((z) => ({ value: z, label: z }))
  }, [])
}

function RunSettings() {
  const { t } = useTranslation()
  const zones = useTimeZones()
  return (
    <>
      <div className="emp-section-title">{t('employees.form.runSettings')}</div>
      <div className="form-grid-2">
        <Form.Item name="timezone" label={t('employees.form.timezone')} rules={[{ required: true, message: t('employees.form.required') }]}>
          <Select showSearch options={zones} optionFilterProp="label" data-testid="task-timezone" />
        </Form.Item>
        <Form.Item name="missedPolicy" label={t('employees.form.missedPolicy')} tooltip={t('employees.form.missedHelp')}>
          <Select
            options={[
              { value: 'run_once', label: t('employees.form.missed.run_once') },
              { value: 'skip', label: t('employees.form.missed.skip') }
            ]}
          />
        </Form.Item>
      </div>
      <Form.Item name="timeoutMinutes" label={t('employees.form.timeout')} tooltip={t('employees.form.timeoutHelp')}>
        <InputNumber min={1} max={1440} suffix={t('employees.form.minutes')} className="emp-timeout" />
      </Form.Item>
    </>
  )
}

function DeliveryFields() {
  const { t } = useTranslation()
  return (
    <>
      <div className="emp-section-title">{t('employees.form.delivery')}</div>
      <Form.Item
        name="notify"
        label={t('employees.form.notify')}
        valuePropName="checked"
        tooltip={t('employees.form.notifyHelp')}
        layout="horizontal"
        className="emp-inline-switch"
      >
        <Switch data-testid="task-notify" />
      </Form.Item>
      <Form.Item name="emailTo" label={t('employees.form.email')} extra={t('employees.form.emailHint')}>
        <Input placeholder="ops@example.com, boss@example.com" data-testid="task-email" />
      </Form.Item>
      <Form.Item name="webhookUrl" label={t('employees.form.webhook')} extra={t('employees.form.webhookHint')}>
        <Input className="mono" placeholder="https://example.com/hooks/agenta" data-testid="task-webhook" />
      </Form.Item>
    </>
  )
}

/** The 数字员工 dialog: what to do, which agent, when, and where the result goes. */
export function TaskDialog({ open, task, onClose, onSaved }: Props) {
  const { t } = useTranslation()
  const studio = useStudio()
  const { fail, ok } = useFeedback()
  const [form] = Form.useForm<TaskFormValues>()
  const [saving, setSaving] = useState(false)
  // The dialog may be the screen's first reader of the agents: "loading", not "no agents", until they come.
  const { items: agents, loaded: agentsLoaded } = useCollection('agents')
  const models = useModelOptions('chat', modelRowId)

  useEffect(() => {
    if (!open) return
    form.resetFields()
    form.setFieldsValue(task ? fromSchedule(task) : emptyTask())
  }, [open, task, form, studio])

  const save = async (values: TaskFormValues) => {
    setSaving(true)
    try {
      const input = toTaskInput({ ...emptyTask(), ...values }, task)
      const saved = task ? await updateSchedule(studio, task.id, input) : await createSchedule(studio, input)
      ok(task ? t('common.saved') : t('employees.created'))
      onSaved?.(saved)
      onClose()
    } catch (err) {
      fail(err, form, taskFieldFor)
    } finally {
      setSaving(false)
    }
  }

  return (
    <Modal
      open={open}
      title={t('employees.dialogTitle')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      okButtonProps={{ 'data-testid': 'task-save' } as ButtonProps}
      width={600}
      styles={{ body: { maxHeight: '70vh', overflowY: 'auto', paddingRight: 8 } }}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" onFinish={save} initialValues={emptyTask()} className="modal-form emp-form" data-testid="task-form">
        <Form.Item name="name" label={t('employees.form.name')} rules={[{ required: true, whitespace: true, message: t('employees.form.nameRequired') }]}>
          <Input maxLength={25} showCount placeholder={t('employees.form.namePlaceholder')} data-testid="task-name" />
        </Form.Item>
        <Form.Item
          name="instruction"
          label={t('employees.form.instruction')}
          rules={[{ required: true, whitespace: true, message: t('employees.form.instructionRequired') }]}
        >
          <Input.TextArea
            maxLength={500}
            showCount
            autoSize={{ minRows: 2, maxRows: 6 }}
            placeholder={t('employees.form.instructionPlaceholder')}
            data-testid="task-instruction"
          />
        </Form.Item>
        <Form.Item name="modelId" label={t('employees.form.model')} extra={t('employees.form.modelHint')}>
          <Select allowClear showSearch optionFilterProp="label" options={models} placeholder={t('employees.form.modelPlaceholder')} data-testid="task-model" />
        </Form.Item>
        <div className="emp-agent-row">
          <Form.Item name="agentId" label={t('employees.form.agent')} rules={[{ required: true, message: t('employees.form.agentRequired') }]} className="grow">
            <Select
              showSearch
              optionFilterProp="label"
              options={agents.map((a) => ({ value: a.id, label: a.name }))}
              placeholder={t('employees.form.agentPlaceholder')}
              loading={!agentsLoaded}
              notFoundContent={agentsLoaded ? t('employees.form.noAgents') : <Spin size="small" />}
              data-testid="task-agent"
            />
          </Form.Item>
          <Form.Item name="loopCount" label={t('employees.form.loopCount')} tooltip={t('employees.form.loopHelp')} className="emp-field-loop">
            <InputNumber min={0} max={1000000} className="full-width" data-testid="task-loop" />
          </Form.Item>
        </div>
        <ScheduleFields open={open} />
        <RunSettings />
        <DeliveryFields />
      </Form>
    </Modal>
  )
}
