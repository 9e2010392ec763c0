import type { ChartKind } from '../define.js'
import { boxplotChart, heatmapChart, histogramChart } from './distribution-charts.js'
import { funnelChart, gaugeChart, pieChart, radarChart, sunburstChart, treemapChart, wordCloudChart } from './part-charts.js'
import { mindMapChart, networkGraphChart, organizationChart, sankeyChart } from './relation-charts.js'
import { areaChart, barChart, candlestickChart, columnChart, dualAxesChart, lineChart, scatterChart } from './series-charts.js'

export const chartKinds: ChartKind[] = [
  lineChart,
  areaChart,
  columnChart,
  barChart,
  pieChart,
  scatterChart,
  radarChart,
  funnelChart,
  histogramChart,
  boxplotChart,
  heatmapChart,
  treemapChart,
  sunburstChart,
  wordCloudChart,
  dualAxesChart,
  gaugeChart,
  candlestickChart,
  sankeyChart,
  networkGraphChart,
  mindMapChart,
  organizationChart
]
