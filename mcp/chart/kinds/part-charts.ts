import { z } from 'zod'
import { ToolError } from '../../shared/results.js'
import { defineChart } from '../define.js'
import { label, namedValue, titleFields, treeNode, type TreeNode } from '../fields.js'
import { distinct, pivot } from '../pivot.js'
import { frame } from './layout.js'

// Charts that show parts of a whole, a single value, or sizes without axes.

function uniqueCategories(data: { category: string | number }[]): void {
  const seen = new Set<string>()
  for (const { category } of data) {
    const key = String(category)
    if (seen.has(key)) throw new ToolError(`Duplicate category "${key}": give one value per category`)
    seen.add(key)
  }
}

export const pieChart = defineChart({
  name: 'generate_pie_chart',
  title: 'Pie chart',
  description: 'A pie or donut chart: the share of each category in a whole.',
  input: {
    ...titleFields,
    data: z.array(namedValue).min(1).describe('[{category, value}] with value ≥ 0'),
    innerRadius: z.number().min(0).max(0.9).optional().describe('0 for a pie, e.g. 0.5 for a donut')
  },
  build(input) {
    uniqueCategories(input.data)
    const inner = input.innerRadius ?? 0
    return {
      ...frame(input.title, { legend: true }),
      series: [
        {
          type: 'pie',
          name: input.title ?? 'share',
          radius: inner > 0 ? [`${Math.round(inner * 70)}%`, '70%'] : '70%',
          center: ['50%', '52%'],
          data: input.data.map((d) => ({ name: String(d.category), value: d.value })),
          label: { formatter: '{b}: {d}%' }
        }
      ]
    }
  }
})

export const funnelChart = defineChart({
  name: 'generate_funnel_chart',
  title: 'Funnel chart',
  description: 'A funnel chart: how many remain at each stage of a process (visits → sign-ups → orders).',
  input: {
    ...titleFields,
    data: z.array(namedValue).min(1).describe('Stages in process order: [{category, value}]')
  },
  build(input) {
    uniqueCategories(input.data)
    return {
      ...frame(input.title, { legend: true }),
      series: [
        {
          type: 'funnel',
          name: input.title ?? 'funnel',
          top: 48,
          bottom: 40,
          sort: 'none',
          label: { show: true, position: 'inside', formatter: '{b}: {c}' },
          data: input.data.map((d) => ({ name: String(d.category), value: d.value }))
        }
      ]
    }
  }
})

export const radarChart = defineChart({
  name: 'generate_radar_chart',
  title: 'Radar chart',
  description: 'A radar chart: several groups scored on the same three or more dimensions.',
  input: {
    ...titleFields,
    data: z
      .array(z.object({ name: label.describe('Dimension'), value: z.number().min(0), group: z.string().min(1).optional() }))
      .min(3)
      .describe('[{name, value, group?}]: one value per dimension and group')
  },
  build(input) {
    const { keys, series } = pivot(
      input.data.map((p) => ({ key: p.name, value: p.value, group: p.group })),
      'dimension'
    )
    if (keys.length < 3) throw new ToolError(`A radar chart needs at least 3 dimensions, got ${keys.length}`)
    // One scale for every spoke, so shapes compare honestly.
    const max = Math.max(...input.data.map((p) => p.value)) || 1
    return {
      ...frame(input.title, { legend: series.length > 1 }),
      radar: { indicator: keys.map((name) => ({ name, max })), radius: '62%', center: ['50%', '55%'] },
      series: [
        {
          type: 'radar',
          data: series.map((s) => ({ name: s.name ?? input.title ?? 'value', value: s.values.map((v) => v ?? 0) }))
        }
      ]
    }
  }
})

export const gaugeChart = defineChart({
  name: 'generate_gauge_chart',
  title: 'Gauge',
  description: 'A gauge: one value against its range, e.g. a completion rate or a KPI.',
  input: {
    ...titleFields,
    value: z.number(),
    name: z.string().max(100).optional().describe('Label under the value'),
    min: z.number().optional().describe('Default 0'),
    max: z.number().optional().describe('Default 100'),
    unit: z.string().max(10).optional().describe('Suffix after the value, e.g. "%"')
  },
  build(input) {
    const min = input.min ?? 0
    const max = input.max ?? 100
    if (min >= max) throw new ToolError(`min (${min}) must be less than max (${max})`)
    if (input.value < min || input.value > max) {
      throw new ToolError(`value ${input.value} is outside the gauge range ${min}–${max}: set min/max to include it`)
    }
    return {
      ...frame(input.title),
      series: [
        {
          type: 'gauge',
          min,
          max,
          progress: { show: true },
          detail: { valueAnimation: true, formatter: `{value}${input.unit ?? ''}` },
          data: [{ value: input.value, name: input.name ?? '' }]
        }
      ]
    }
  }
})

function checkLeaves(node: TreeNode, path: string): void {
  if (!node.children?.length && node.value === undefined) {
    throw new ToolError(`Leaf "${path}" has no value: every node without children needs a value`)
  }
  node.children?.forEach((child) => checkLeaves(child, `${path}/${child.name}`))
}

const hierarchyInput = {
  ...titleFields,
  data: z.array(treeNode).min(1).describe('Top-level nodes [{name, value?, children?}]; leaves need a value')
}

export const treemapChart = defineChart({
  name: 'generate_treemap_chart',
  title: 'Treemap',
  description: 'A treemap: nested rectangles sized by value, for hierarchical parts of a whole (budget by department).',
  input: hierarchyInput,
  build(input) {
    input.data.forEach((node) => checkLeaves(node, node.name))
    return {
      ...frame(input.title),
      series: [{ type: 'treemap', name: input.title ?? 'all', top: 48, roam: false, data: input.data }]
    }
  }
})

export const sunburstChart = defineChart({
  name: 'generate_sunburst_chart',
  title: 'Sunburst',
  description: 'A sunburst: concentric rings of a hierarchy sized by value (a radial treemap).',
  input: hierarchyInput,
  build(input) {
    input.data.forEach((node) => checkLeaves(node, node.name))
    return {
      ...frame(input.title),
      series: [{ type: 'sunburst', radius: [0, '80%'], center: ['50%', '55%'], data: input.data, label: { rotate: 'radial' } }]
    }
  }
})

export const wordCloudChart = defineChart({
  name: 'generate_word_cloud_chart',
  title: 'Word cloud',
  description: 'A word cloud: words sized by weight (frequency, importance).',
  input: {
    ...titleFields,
    data: z
      .array(z.object({ text: z.string().min(1), value: z.number().positive() }))
      .min(1)
      .describe('[{text, value}]')
  },
  build(input) {
    const words = distinct(input.data.map((d) => d.text))
    if (words.length !== input.data.length) throw new ToolError('Each word may appear only once in data')
    const weights = input.data.map((d) => d.value)
    const low = Math.min(...weights)
    const span = Math.max(...weights) - low || 1
    // Core ECharts has no word-cloud series (that needs a plugin); a force layout of bare labels
    // gives the same picture with nothing extra for the studio to load.
    return {
      ...frame(input.title),
      series: [
        {
          type: 'graph',
          layout: 'force',
          roam: true,
          force: { repulsion: 60, gravity: 0.2, edgeLength: 10 },
          symbolSize: 1,
          itemStyle: { opacity: 0 },
          label: { show: true, position: 'inside' },
          data: input.data.map((d, i) => ({
            name: d.text,
            value: d.value,
            label: { fontSize: Math.round(12 + ((d.value - low) / span) * 36), color: palette[i % palette.length] }
          })),
          links: []
        }
      ]
    }
  }
})

// ECharts' default palette, repeated here because label colours do not follow it on their own.
const palette = ['#5470c6', '#91cc75', '#fac858', '#ee6666', '#73c0de', '#3ba272', '#fc8452', '#9a60b4', '#ea7ccc']
