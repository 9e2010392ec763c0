import { z } from 'zod'
import { ToolError } from '../../shared/results.js'
import { defineChart, type ChartOption } from '../define.js'
import { axisFields, categoryPoint, label, stackField, timePoint, titleFields } from '../fields.js'
import { pivot } from '../pivot.js'
import { categoryAxis, frame, grid, seriesName, valueAxis } from './layout.js'

// Charts whose x axis is an ordered sequence (time or categories) and whose y axis is a value.

const trendInput = {
  ...titleFields,
  ...axisFields,
  ...stackField,
  data: z.array(timePoint).min(1).describe('Points in x order: [{time, value, group?}]'),
  smooth: z.boolean().optional().describe('Draw curves instead of straight segments')
}

function trend(input: z.infer<z.ZodObject<typeof trendInput>>, area: boolean): ChartOption {
  const { keys, series } = pivot(
    input.data.map((p) => ({ key: p.time, value: p.value, group: p.group })),
    'time'
  )
  const legend = series.length > 1
  return {
    ...frame(input.title, { legend, tooltip: 'axis' }),
    grid: grid(legend),
    xAxis: categoryAxis(keys, input.axisXTitle, false),
    yAxis: valueAxis(input.axisYTitle),
    series: series.map((s) => ({
      type: 'line',
      name: seriesName(s.name, input.axisYTitle),
      data: s.values,
      smooth: input.smooth ?? false,
      ...(input.stack ? { stack: 'total' } : {}),
      ...(area ? { areaStyle: {} } : {})
    }))
  }
}

export const lineChart = defineChart({
  name: 'generate_line_chart',
  title: 'Line chart',
  description: 'A line chart: how a value changes over time or another ordered sequence; one line per group.',
  input: trendInput,
  build: (input) => trend(input, false)
})

export const areaChart = defineChart({
  name: 'generate_area_chart',
  title: 'Area chart',
  description: 'An area chart: a trend over time with the area under the line filled; with stack, shows how groups add up to a total.',
  input: trendInput,
  build: (input) => trend(input, true)
})

const barInput = {
  ...titleFields,
  ...axisFields,
  ...stackField,
  data: z.array(categoryPoint).min(1).describe('[{category, value, group?}]; groups become side-by-side bars')
}

function bars(input: z.infer<z.ZodObject<typeof barInput>>, horizontal: boolean): ChartOption {
  const { keys, series } = pivot(
    input.data.map((p) => ({ key: p.category, value: p.value, group: p.group })),
    'category'
  )
  const legend = series.length > 1
  const categories = categoryAxis(keys, horizontal ? input.axisYTitle : input.axisXTitle)
  const values = valueAxis(horizontal ? input.axisXTitle : input.axisYTitle)
  return {
    ...frame(input.title, { legend, tooltip: 'axis' }),
    grid: grid(legend),
    xAxis: horizontal ? values : categories,
    // Horizontal bars read top-down in the given order, which ECharts draws bottom-up unless inverted.
    yAxis: horizontal ? { ...categories, inverse: true } : values,
    series: series.map((s) => ({
      type: 'bar',
      name: seriesName(s.name, input.axisYTitle),
      data: s.values,
      ...(input.stack ? { stack: 'total' } : {})
    }))
  }
}

export const columnChart = defineChart({
  name: 'generate_column_chart',
  title: 'Column chart',
  description: 'A column chart (vertical bars): compares values across categories; groups side by side or stacked.',
  input: barInput,
  build: (input) => bars(input, false)
})

export const barChart = defineChart({
  name: 'generate_bar_chart',
  title: 'Bar chart',
  description: 'A bar chart (horizontal bars): compares values across categories, good for long category names or rankings.',
  input: barInput,
  build: (input) => bars(input, true)
})

export const scatterChart = defineChart({
  name: 'generate_scatter_chart',
  title: 'Scatter chart',
  description: 'A scatter chart: the relation between two numeric variables; one colour per group.',
  input: {
    ...titleFields,
    ...axisFields,
    data: z
      .array(z.object({ x: z.number(), y: z.number(), group: z.string().min(1).optional() }))
      .min(1)
      .describe('[{x, y, group?}]')
  },
  build(input) {
    const groups = new Map<string | undefined, [number, number][]>()
    for (const p of input.data) {
      const points = groups.get(p.group) ?? []
      points.push([p.x, p.y])
      groups.set(p.group, points)
    }
    const legend = groups.size > 1
    return {
      ...frame(input.title, { legend }),
      grid: grid(legend),
      xAxis: valueAxis(input.axisXTitle, true),
      yAxis: valueAxis(input.axisYTitle, true),
      series: [...groups].map(([name, data]) => ({ type: 'scatter', name: seriesName(name, input.axisYTitle), data }))
    }
  }
})

export const dualAxesChart = defineChart({
  name: 'generate_dual_axes_chart',
  title: 'Dual-axes chart',
  description:
    'A combined column and line chart with a y axis per series: compares measures of different units over the same categories (e.g. revenue and growth rate).',
  input: {
    ...titleFields,
    axisXTitle: axisFields.axisXTitle,
    categories: z.array(label).min(1).describe('Shared x-axis categories, e.g. years'),
    series: z
      .array(
        z.object({
          type: z.enum(['column', 'line']),
          name: z.string().min(1).optional(),
          data: z.array(z.number().nullable()).describe('One value per category, null for a gap'),
          axisYTitle: z.string().max(100).optional().describe('Title of this series’ y axis')
        })
      )
      .min(2)
      .max(4)
  },
  build(input) {
    input.series.forEach((s, i) => {
      if (s.data.length !== input.categories.length) {
        throw new ToolError(`series[${i}] has ${s.data.length} values but there are ${input.categories.length} categories: give one value per category`)
      }
    })
    return {
      ...frame(input.title, { legend: true, tooltip: 'axis' }),
      grid: grid(true),
      xAxis: categoryAxis(input.categories.map(String), input.axisXTitle),
      // First axis left, the others stacked outward on the right so their labels do not collide.
      yAxis: input.series.map((s, i) => ({
        type: 'value',
        name: s.axisYTitle ?? s.name,
        position: i === 0 ? 'left' : 'right',
        offset: i <= 1 ? 0 : (i - 1) * 60,
        alignTicks: true
      })),
      series: input.series.map((s, i) => ({
        type: s.type === 'column' ? 'bar' : 'line',
        name: s.name ?? s.axisYTitle ?? `series ${i + 1}`,
        yAxisIndex: i,
        data: s.data
      }))
    }
  }
})

export const candlestickChart = defineChart({
  name: 'generate_candlestick_chart',
  title: 'Candlestick chart',
  description: 'A candlestick (K-line) chart: open, close, low and high per period, e.g. stock prices.',
  input: {
    ...titleFields,
    ...axisFields,
    data: z
      .array(z.object({ time: label, open: z.number(), close: z.number(), low: z.number(), high: z.number() }))
      .min(1)
      .describe('[{time, open, close, low, high}] in time order')
  },
  build(input) {
    input.data.forEach((p, i) => {
      if (p.low > Math.min(p.open, p.close) || p.high < Math.max(p.open, p.close)) {
        throw new ToolError(`data[${i}] (${p.time}): low must be ≤ open and close, and high ≥ open and close`)
      }
    })
    return {
      ...frame(input.title, { tooltip: 'axis' }),
      grid: grid(false),
      xAxis: categoryAxis(
        input.data.map((p) => String(p.time)),
        input.axisXTitle
      ),
      yAxis: valueAxis(input.axisYTitle, true),
      series: [{ type: 'candlestick', name: seriesName(undefined, input.axisYTitle), data: input.data.map((p) => [p.open, p.close, p.low, p.high]) }]
    }
  }
})
