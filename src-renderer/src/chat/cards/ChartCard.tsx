import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { CardProps } from './types'

const isDark = () => document.documentElement.dataset.theme === 'dark'

/** An Apache ECharts option, drawn by echarts loaded on first use (it is large and most chats have no chart). */
export function ChartCard({ data }: CardProps<'chart'>) {
  const { t } = useTranslation()
  const el = useRef<HTMLDivElement>(null)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    let disposed = false
    let dispose = () => {}
    void import('echarts')
      .then((echarts) => {
        if (disposed || !el.current) return
        const chart = echarts.init(el.current, isDark() ? 'dark' : undefined, { renderer: 'canvas' })
        chart.setOption({ backgroundColor: 'transparent', ...data.option })
        const resize = new ResizeObserver(() => chart.resize())
        resize.observe(el.current)
        dispose = () => {
          resize.disconnect()
          chart.dispose()
        }
      })
      .catch((err: unknown) => !disposed && setError(err instanceof Error ? err.message : String(err)))
    return () => {
      disposed = true
      dispose()
    }
  }, [data.option])

  return (
    <div className="card-chart">
      {data.title && <div className="card-title">{data.title}</div>}
      {error ? (
        <div className="card-error">{t('cards.chartFailed', { message: error })}</div>
      ) : (
        <div ref={el} className="card-chart-canvas" data-testid="card-chart-canvas" />
      )}
    </div>
  )
}
