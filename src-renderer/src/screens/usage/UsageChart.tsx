import type { UsageReport } from '@contract/usage'
import { useEffect, useMemo, useRef } from 'react'

export type Metric = 'tokens' | 'turns' | 'cost'
export type GroupBy = 'agent' | 'model'

const isDark = () => document.documentElement.dataset.theme === 'dark'

/** Stacked bars per day, one series per agent or model (echarts, loaded on first use). */
export function UsageChart({
  report,
  metric,
  groupBy,
  nameOf
}: {
  report: UsageReport
  metric: Metric
  groupBy: GroupBy
  nameOf: (agentId: string | null) => string
}) {
  const el = useRef<HTMLDivElement>(null)
  const option = useMemo(() => {
    // Series in the order of the totals (largest first), so the legend reads like the tables.
    const groups = new Map<string, number[]>(
      (groupBy === 'agent' ? report.byAgent.map((a) => nameOf(a.agentId)) : report.byModel.map((m) => m.model)).map((name) => [name, report.days.map(() => 0)])
    )
    const index = new Map(report.days.map((d, i) => [d, i]))
    for (const row of report.series) {
      const name = groupBy === 'agent' ? nameOf(row.agentId) : row.model
      const values = groups.get(name) ?? report.days.map(() => 0)
      groups.set(name, values)
      const i = index.get(row.day)
      if (i === undefined) continue
      values[i] += metric === 'tokens' ? row.tokensIn + row.tokensOut : metric === 'turns' ? row.turns : (row.cost ?? 0)
    }
    return {
      backgroundColor: 'transparent',
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { type: 'scroll', bottom: 0 },
      grid: { left: 8, right: 8, top: 16, bottom: 40, containLabel: true },
      xAxis: { type: 'category', data: report.days.map((d) => d.slice(5)) },
      yAxis: { type: 'value' },
      series: [...groups.entries()].map(([name, data]) => ({ name, type: 'bar', stack: 'all', data, emphasis: { focus: 'series' } }))
    }
  }, [report, metric, groupBy, nameOf])

  useEffect(() => {
    let disposed = false
    let dispose = () => {}
    void import('echarts').then((echarts) => {
      if (disposed || !el.current) return
      const chart = echarts.init(el.current, isDark() ? 'dark' : undefined, { renderer: 'canvas' })
      chart.setOption(option)
      const resize = new ResizeObserver(() => chart.resize())
      resize.observe(el.current)
      dispose = () => {
        resize.disconnect()
        chart.dispose()
      }
    })
    return () => {
      disposed = true
      dispose()
    }
  }, [option])

  return <div ref={el} className="usage-chart" data-testid="usage-chart" data-series={option.series.map((s) => s.name).join('|')} />
}
