import { z } from 'zod'
import { defineChart } from '../define.js'
import { axisFields, categoryPoint, label, titleFields } from '../fields.js'
import { distinct, pivot } from '../pivot.js'
import { boxSummary, formatNumber, histogramBins } from '../stats.js'
import { categoryAxis, frame, grid, seriesName, valueAxis } from './layout.js'

// Charts that summarise many raw values: the statistics are computed here so the card needs no transform.

export const histogramChart = defineChart({
  name: 'generate_histogram_chart',
  title: 'Histogram',
  description: 'A histogram: how raw numeric values are distributed, counted in equal-width bins.',
  input: {
    ...titleFields,
    ...axisFields,
    data: z.array(z.number()).min(1).describe('Raw values, e.g. [78, 88, 60, 100, 95]'),
    binNumber: z.int().min(1).max(200).optional().describe('Number of bins (default: Sturges’ rule)')
  },
  build(input) {
    const bins = histogramBins(input.data, input.binNumber)
    return {
      ...frame(input.title, { tooltip: 'axis' }),
      grid: grid(false),
      xAxis: categoryAxis(
        bins.map((b) => `${formatNumber(b.from)}–${formatNumber(b.to)}`),
        input.axisXTitle
      ),
      yAxis: valueAxis(input.axisYTitle ?? 'count'),
      series: [{ type: 'bar', name: 'count', data: bins.map((b) => b.count), barCategoryGap: '2%' }]
    }
  }
})

export const boxplotChart = defineChart({
  name: 'generate_boxplot_chart',
  title: 'Box plot',
  description: 'A box plot: the spread of raw values per category (quartiles, whiskers at 1.5 IQR, outliers as points); groups compare side by side.',
  input: {
    ...titleFields,
    ...axisFields,
    data: z.array(categoryPoint).min(1).describe('Raw observations [{category, value, group?}], many per category')
  },
  build(input) {
    const categories = distinct(input.data.map((p) => String(p.category)))
    const groups = distinct(input.data.map((p) => p.group))
    const legend = groups.length > 1
    const series = groups.flatMap((group) => {
      const boxes: unknown[] = []
      const outliers: [number, number][] = []
      categories.forEach((category, index) => {
        const values = input.data.filter((p) => p.group === group && String(p.category) === category).map((p) => p.value)
        if (values.length === 0) {
          boxes.push('-')
          return
        }
        const summary = boxSummary(values)
        boxes.push(summary.box)
        for (const value of summary.outliers) outliers.push([index, value])
      })
      const name = seriesName(group, input.axisYTitle)
      return [{ type: 'boxplot', name, data: boxes }, ...(outliers.length ? [{ type: 'scatter', name: legend ? name : 'outlier', data: outliers }] : [])]
    })
    return {
      ...frame(input.title, { legend }),
      grid: grid(legend),
      xAxis: categoryAxis(categories, input.axisXTitle),
      yAxis: valueAxis(input.axisYTitle, true),
      series
    }
  }
})

export const heatmapChart = defineChart({
  name: 'generate_heatmap_chart',
  title: 'Heatmap',
  description: 'A heatmap: a value for each pair of two categories (e.g. weekday × hour), shown as colour intensity.',
  input: {
    ...titleFields,
    ...axisFields,
    data: z
      .array(z.object({ x: label, y: label, value: z.number() }))
      .min(1)
      .describe('[{x, y, value}], one per cell')
  },
  build(input) {
    // pivot() gives the x order and rejects two values for the same cell.
    const { keys: xs } = pivot(
      input.data.map((p) => ({ key: p.x, value: p.value, group: String(p.y) })),
      'x'
    )
    const ys = distinct(input.data.map((p) => String(p.y)))
    const values = input.data.map((p) => p.value)
    return {
      ...frame(input.title),
      grid: { ...grid(false), bottom: 56 },
      xAxis: { ...categoryAxis(xs, input.axisXTitle), splitArea: { show: true } },
      yAxis: { ...categoryAxis(ys, input.axisYTitle), splitArea: { show: true } },
      visualMap: {
        min: Math.min(...values),
        max: Math.max(...values),
        calculable: true,
        orient: 'horizontal',
        left: 'center',
        bottom: 0
      },
      series: [
        {
          type: 'heatmap',
          name: seriesName(undefined, input.title),
          data: input.data.map((p) => [xs.indexOf(String(p.x)), ys.indexOf(String(p.y)), p.value]),
          label: { show: input.data.length <= 100 }
        }
      ]
    }
  }
})
