import { DollarOutlined, PlusOutlined, DeleteOutlined } from '@ant-design/icons'
import type { UsagePrices, UsageReport } from '@contract/usage'
import { Alert, Button, Empty, Input, InputNumber, Modal, Segmented, Select, Spin, Statistic, Table, type ButtonProps } from 'antd'
import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { useStudio } from '../../stores/hooks'
import { useFeedback } from '../../ui/feedback'
import { PageHeader } from '../../ui/PageHeader'
import { useUnits } from '../../ui/units'
import { UsageChart, type GroupBy, type Metric } from './UsageChart'
import './usage.css'
import { useCollection } from '../../queries/collections'

const DAY = 86_400_000
const PRESETS = [7, 30, 90, 365] as const

/** YYYY-MM-DD of a local date. */
const isoDay = (t: number) => {
  const d = new Date(t)
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
}
/** Local midnight of a YYYY-MM-DD. */
const midnight = (day: string) => {
  const [y, m, d] = day.split('-').map(Number)
  return new Date(y, m - 1, d).getTime()
}

/** Turns, tokens and cost per day, agent and model, from the turn traces. */
export function UsageScreen() {
  const { t } = useTranslation()
  const { api } = useStudio().connection
  const agents = useCollection('agents').items
  const { fail } = useFeedback()
  const units = useUnits()
  const today = isoDay(Date.now())
  const [range, setRange] = useState<{ from: string; to: string }>({ from: isoDay(Date.now() - 29 * DAY), to: today })
  const [agentId, setAgentId] = useState<string | undefined>()
  const [metric, setMetric] = useState<Metric>('tokens')
  const [groupBy, setGroupBy] = useState<GroupBy>('agent')
  const [report, setReport] = useState<UsageReport | null>(null)
  const [loading, setLoading] = useState(false)
  const [pricing, setPricing] = useState(false)

  const load = useCallback(async () => {
    setLoading(true)
    try {
      const timezone = Intl.DateTimeFormat().resolvedOptions().timeZone
      setReport(await api.call('usage.get', { from: midnight(range.from), to: midnight(range.to) + DAY, timezone, agentId }))
    } catch (err) {
      fail(err)
    } finally {
      setLoading(false)
    }
  }, [api, range, agentId, fail])
  useEffect(() => {
    void load()
  }, [load])

  const nameOf = useCallback(
    (id: string | null) =>
      id ? (agents.find((a) => a.id === id)?.name ?? report?.byAgent.find((a) => a.agentId === id)?.agentName ?? id) : t('usage.deleted'),
    [agents, report, t]
  )
  const money = useMemo(() => {
    const nf = new Intl.NumberFormat(undefined, { maximumFractionDigits: 4 })
    return (v: number | null) => (v === null ? '—' : `${nf.format(v)} ${report?.currency ?? ''}`)
  }, [report])
  const preset = PRESETS.find((n) => range.to === today && range.from === isoDay(Date.now() - (n - 1) * DAY))

  type Col = { title: string; key: string; render?: (v: unknown) => ReactNode }
  const figures: Col[] = [
    { title: t('usage.tokensIn'), key: 'tokensIn', render: (v) => units.number(v as number) },
    { title: t('usage.tokensOut'), key: 'tokensOut', render: (v) => units.number(v as number) },
    { title: t('usage.turns'), key: 'turns', render: (v) => units.number(v as number) },
    { title: t('usage.cost'), key: 'cost', render: (v) => money(v as number | null) }
  ]
  const cols = (first: Col) => [first, ...figures].map((c) => ({ title: c.title, dataIndex: c.key, key: c.key, render: c.render }))

  return (
    <div className="page usage-page" data-testid="usage-screen">
      <PageHeader
        title={t('nav.usage')}
        subtitle={t('usage.subtitle')}
        extra={
          <Button icon={<DollarOutlined />} onClick={() => setPricing(true)} data-testid="usage-prices">
            {t('usage.prices')}
          </Button>
        }
      />
      <div className="usage-toolbar">
        <Segmented
          value={preset ?? 0}
          onChange={(n) => n && setRange({ from: isoDay(Date.now() - (Number(n) - 1) * DAY), to: today })}
          options={[...PRESETS.map((n) => ({ value: n, label: t('usage.lastDays', { n }) }))]}
          data-testid="usage-presets"
        />
        <div className="usage-range" data-testid="usage-range">
          <Input
            type="date"
            value={range.from}
            max={range.to}
            aria-label={t('usage.from')}
            onChange={(e) => e.target.value && setRange((r) => ({ ...r, from: e.target.value }))}
            data-testid="usage-from"
          />
          <span>–</span>
          <Input
            type="date"
            value={range.to}
            min={range.from}
            aria-label={t('usage.to')}
            onChange={(e) => e.target.value && setRange((r) => ({ ...r, to: e.target.value }))}
            data-testid="usage-to"
          />
        </div>
        <Select
          allowClear
          placeholder={t('usage.allAgents')}
          value={agentId}
          onChange={setAgentId}
          options={agents.map((a) => ({ value: a.id, label: a.name }))}
          style={{ minWidth: 180 }}
          data-testid="usage-agent"
        />
      </div>
      <Spin spinning={loading}>
        {report && (
          <>
            <div className="usage-stats" data-testid="usage-stats">
              <Statistic title={t('usage.turns')} value={units.number(report.totals.turns)} />
              <Statistic title={t('usage.tokensIn')} value={units.number(report.totals.tokensIn)} />
              <Statistic title={t('usage.tokensOut')} value={units.number(report.totals.tokensOut)} />
              <Statistic title={report.totals.costPartial ? t('usage.costAtLeast') : t('usage.cost')} value={money(report.totals.cost)} />
            </div>
            {report.totals.cost === null && report.totals.tokensIn + report.totals.tokensOut > 0 && (
              <Alert type="info" showIcon className="usage-alert" title={t('usage.noPrices')} />
            )}
            {report.series.length === 0 ? (
              <Empty description={t('usage.empty')} data-testid="usage-empty" />
            ) : (
              <section className="usage-card">
                <div className="usage-card-head">
                  <Segmented
                    value={metric}
                    onChange={(v) => setMetric(v as Metric)}
                    options={[
                      { value: 'tokens', label: t('usage.tokens') },
                      { value: 'turns', label: t('usage.turns') },
                      { value: 'cost', label: t('usage.cost') }
                    ]}
                    data-testid="usage-metric"
                  />
                  <Segmented
                    value={groupBy}
                    onChange={(v) => setGroupBy(v as GroupBy)}
                    options={[
                      { value: 'agent', label: t('usage.byAgent') },
                      { value: 'model', label: t('usage.byModel') }
                    ]}
                    data-testid="usage-group"
                  />
                </div>
                <UsageChart report={report} metric={metric} groupBy={groupBy} nameOf={nameOf} />
              </section>
            )}
            <div className="usage-tables">
              <Table
                size="small"
                rowKey={(r) => r.agentId ?? ''}
                pagination={false}
                title={() => t('usage.byAgent')}
                dataSource={report.byAgent}
                columns={cols({ title: t('usage.agent'), key: 'agentId', render: (id) => nameOf(id as string | null) })}
                data-testid="usage-by-agent"
              />
              <Table
                size="small"
                rowKey="model"
                pagination={false}
                title={() => t('usage.byModel')}
                dataSource={report.byModel}
                columns={cols({ title: t('usage.model'), key: 'model' })}
                data-testid="usage-by-model"
              />
            </div>
          </>
        )}
      </Spin>
      {pricing && (
        <PricesDialog
          models={report?.byModel.map((m) => m.model) ?? []}
          onClose={(changed) => {
            setPricing(false)
            if (changed) void load()
          }}
        />
      )}
    </div>
  )
}

/** Prices per million tokens of the models the range used (and any other typed in). */
function PricesDialog({ models, onClose }: { models: string[]; onClose: (changed: boolean) => void }) {
  const { t } = useTranslation()
  const { api } = useStudio().connection
  const { fail } = useFeedback()
  const [prices, setPrices] = useState<UsagePrices | null>(null)
  const [rows, setRows] = useState<Array<{ model: string; input: number | null; output: number | null }>>([])
  const [saving, setSaving] = useState(false)
  useEffect(() => {
    api.call('usage.prices', {}).then(
      (p) => {
        setPrices(p)
        const names = [...new Set([...models, ...Object.keys(p.models)])]
        setRows(names.map((model) => ({ model, input: p.models[model]?.input ?? null, output: p.models[model]?.output ?? null })))
      },
      (err) => fail(err)
    )
  }, [api, models, fail])
  const save = async () => {
    if (!prices) return
    setSaving(true)
    try {
      const priced = rows.filter((r) => r.model.trim() && r.input !== null && r.output !== null)
      await api.call('usage.setPrices', {
        currency: prices.currency,
        models: Object.fromEntries(priced.map((r) => [r.model.trim(), { input: r.input as number, output: r.output as number }]))
      })
      onClose(true)
    } catch (err) {
      fail(err)
    } finally {
      setSaving(false)
    }
  }
  const set = (i: number, patch: Partial<(typeof rows)[number]>) => setRows((rs) => rs.map((r, j) => (j === i ? { ...r, ...patch } : r)))
  return (
    <Modal
      open
      title={t('usage.pricesTitle')}
      onCancel={() => onClose(false)}
      onOk={() => void save()}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      okButtonProps={{ 'data-testid': 'usage-prices-save' } as ButtonProps}
      width={640}
    >
      <p className="muted">{t('usage.pricesHelp')}</p>
      <div className="usage-currency">
        <span>{t('usage.currency')}</span>
        <Input
          value={prices?.currency ?? ''}
          onChange={(e) => prices && setPrices({ ...prices, currency: e.target.value })}
          style={{ width: 100 }}
          data-testid="usage-currency"
        />
      </div>
      <Table
        size="small"
        pagination={false}
        rowKey={(_r, i) => String(i)}
        dataSource={rows}
        columns={[
          {
            title: t('usage.model'),
            dataIndex: 'model',
            render: (v: string, _r, i) => <Input value={v} onChange={(e) => set(i, { model: e.target.value })} aria-label={t('usage.model')} />
          },
          {
            title: t('usage.inputPrice'),
            dataIndex: 'input',
            render: (v: number | null, r, i) => (
              <InputNumber min={0} value={v} onChange={(n) => set(i, { input: n })} data-testid={`price-in-${r.model}`} aria-label={t('usage.inputPrice')} />
            )
          },
          {
            title: t('usage.outputPrice'),
            dataIndex: 'output',
            render: (v: number | null, r, i) => (
              <InputNumber min={0} value={v} onChange={(n) => set(i, { output: n })} data-testid={`price-out-${r.model}`} aria-label={t('usage.outputPrice')} />
            )
          },
          {
            key: 'x',
            width: 40,
            render: (_v, _r, i) => (
              <Button type="text" icon={<DeleteOutlined />} aria-label={t('common.delete')} onClick={() => setRows((rs) => rs.filter((_x, j) => j !== i))} />
            )
          }
        ]}
      />
      <Button
        icon={<PlusOutlined />}
        type="dashed"
        block
        onClick={() => setRows((rs) => [...rs, { model: '', input: null, output: null }])}
        style={{ marginTop: 8 }}
      >
        {t('usage.addModel')}
      </Button>
    </Modal>
  )
}
