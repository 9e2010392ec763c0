import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as echarts from 'echarts'
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { callError, callJson, connect, connectInMemory, type Peer, type TransportName } from '../testing/peers.js'
import { chartKinds } from './kinds/index.js'
import { createChartServer } from './server.js'
import type { ChartPayload } from './define.js'

const months = ['Jan', 'Feb', 'Mar']

/** One valid input per tool: every chart the server offers must render in real ECharts. */
const samples: Record<string, Record<string, unknown>> = {
  generate_line_chart: { title: 'Sales', data: months.map((time, i) => ({ time, value: 10 + i })) },
  generate_area_chart: {
    stack: true,
    data: months.flatMap((time, i) => [
      { time, value: i, group: 'A' },
      { time, value: 2 * i, group: 'B' }
    ])
  },
  generate_column_chart: {
    data: [
      { category: 'a', value: 1 },
      { category: 'b', value: 2 }
    ]
  },
  generate_bar_chart: {
    data: [
      { category: 'a', value: 1, group: 'x' },
      { category: 'a', value: 3, group: 'y' }
    ]
  },
  generate_pie_chart: {
    innerRadius: 0.5,
    data: [
      { category: 'a', value: 1 },
      { category: 'b', value: 3 }
    ]
  },
  generate_scatter_chart: {
    data: [
      { x: 1, y: 2 },
      { x: 2, y: 3, group: 'g' }
    ]
  },
  generate_radar_chart: { data: ['speed', 'power', 'range'].map((name, i) => ({ name, value: i + 1 })) },
  generate_funnel_chart: {
    data: [
      { category: 'visit', value: 100 },
      { category: 'order', value: 10 }
    ]
  },
  generate_histogram_chart: { data: [1, 2, 2, 3, 3, 3, 4, 9] },
  generate_boxplot_chart: { data: [1, 2, 3, 4, 5, 40].map((value) => ({ category: 'x', value })) },
  generate_heatmap_chart: {
    data: [
      { x: 'Mon', y: 'AM', value: 1 },
      { x: 'Tue', y: 'PM', value: 5 }
    ]
  },
  generate_treemap_chart: {
    data: [
      {
        name: 'root',
        children: [
          { name: 'a', value: 1 },
          { name: 'b', value: 2 }
        ]
      }
    ]
  },
  generate_sunburst_chart: { data: [{ name: 'root', children: [{ name: 'a', value: 1 }] }] },
  generate_word_cloud_chart: {
    data: [
      { text: 'agent', value: 10 },
      { text: 'chart', value: 2 }
    ]
  },
  generate_dual_axes_chart: {
    categories: [2022, 2023],
    series: [
      { type: 'column', name: 'revenue', data: [10, 12] },
      { type: 'line', name: 'growth', data: [null, 0.2], axisYTitle: '%' }
    ]
  },
  generate_gauge_chart: { value: 42, unit: '%' },
  generate_candlestick_chart: { data: [{ time: 'd1', open: 1, close: 2, low: 0.5, high: 2.5 }] },
  generate_sankey_chart: {
    data: [
      { source: 'a', target: 'b', value: 2 },
      { source: 'b', target: 'c', value: 1 }
    ]
  },
  generate_network_graph_chart: { nodes: [{ name: 'a', group: 'g' }, { name: 'b' }], edges: [{ source: 'a', target: 'b', name: 'knows' }] },
  generate_mind_map: { data: { name: 'topic', children: [{ name: 'idea' }] } },
  generate_organization_chart: { data: { name: 'CEO', children: [{ name: 'CTO' }, { name: 'CFO' }] } }
}

async function chartOf(client: Client, tool: string, args: Record<string, unknown>) {
  const payload = await callJson<ChartPayload>(client, tool, args)
  expect(payload.type).toBe('chart')
  return payload.chart as Record<string, any>
}

function renderSvg(option: Record<string, unknown>): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: 640, height: 400 })
  try {
    chart.setOption({ ...option, animation: false })
    return chart.renderToSVGString()
  } finally {
    chart.dispose()
  }
}

describe.each<TransportName>(['stdio', 'http'])('chart server over %s', (transport) => {
  let peer: Peer
  beforeAll(async () => {
    peer = await connect(transport, 'chart')
  })
  afterAll(() => peer?.close())

  it('lists every chart tool with a JSON schema for its input', async () => {
    const { tools } = await peer.client.listTools()
    expect(tools.map((t) => t.name).sort()).toEqual(Object.keys(samples).sort())
    const line = tools.find((t) => t.name === 'generate_line_chart')!
    expect(line.inputSchema.required).toEqual(['data'])
    expect(line.annotations?.readOnlyHint).toBe(true)
  })

  it('turns grouped time data into one aligned line series per group', async () => {
    const chart = await chartOf(peer.client, 'generate_line_chart', {
      title: 'Visitors',
      axisXTitle: 'month',
      axisYTitle: 'people',
      data: [
        { time: 'Jan', value: 5, group: 'north' },
        { time: 'Feb', value: 7, group: 'north' },
        { time: 'Jan', value: 3, group: 'south' },
        { time: 'Mar', value: 4, group: 'south' }
      ]
    })
    expect(chart.title).toMatchObject({ text: 'Visitors' })
    expect(chart.xAxis).toMatchObject({ type: 'category', name: 'month', data: ['Jan', 'Feb', 'Mar'] })
    expect(chart.yAxis).toMatchObject({ type: 'value', name: 'people' })
    expect(chart.series).toEqual([
      expect.objectContaining({ type: 'line', name: 'north', data: [5, 7, null] }),
      expect.objectContaining({ type: 'line', name: 'south', data: [3, null, 4] })
    ])
    expect(chart.legend).toBeDefined()
  })

  it('builds a pie from categories', async () => {
    const chart = await chartOf(peer.client, 'generate_pie_chart', samples.generate_pie_chart)
    expect(chart.series[0]).toMatchObject({
      type: 'pie',
      data: [
        { name: 'a', value: 1 },
        { name: 'b', value: 3 }
      ]
    })
  })

  it('answers bad data with an error result naming the field', async () => {
    const error = await callError(peer.client, 'generate_bar_chart', { data: [{ category: 'a', value: 'lots' }] })
    expect(error).toMatch(/data\[0\]\.value/)
    expect(await callError(peer.client, 'generate_pie_chart', { data: [] })).toMatch(/data/)
  })

  it('explains data the schema cannot catch', async () => {
    const error = await callError(peer.client, 'generate_sankey_chart', {
      data: [
        { source: 'a', target: 'b', value: 1 },
        { source: 'b', target: 'a', value: 1 }
      ]
    })
    expect(error).toContain('a → b → a')
  })
})

describe('chart options', () => {
  let client: Client
  beforeAll(async () => {
    client = await connectInMemory(createChartServer())
  })

  it('has a sample for every kind', () => {
    expect(Object.keys(samples).sort()).toEqual(chartKinds.map((k) => k.name).sort())
  })

  it.each(Object.entries(samples))('%s renders in ECharts', async (tool, args) => {
    const svg = renderSvg(await chartOf(client, tool, args))
    expect(svg).toMatch(/^<svg/)
    expect(svg.length).toBeGreaterThan(500)
  })

  it('stacks areas and keeps the title in the rendered chart', async () => {
    const chart = await chartOf(client, 'generate_area_chart', samples.generate_area_chart)
    expect(chart.series.every((s: any) => s.stack === 'total' && s.areaStyle)).toBe(true)
    expect(renderSvg(await chartOf(client, 'generate_line_chart', samples.generate_line_chart))).toContain('Sales')
  })

  it('lists horizontal bar categories top-down in the given order', async () => {
    const chart = await chartOf(client, 'generate_bar_chart', {
      data: [
        { category: 'first', value: 1 },
        { category: 'second', value: 2 }
      ]
    })
    expect(chart.xAxis.type).toBe('value')
    expect(chart.yAxis).toMatchObject({ type: 'category', data: ['first', 'second'], inverse: true })
  })

  it('bins a histogram so the counts add up to the input size', async () => {
    const data = samples.generate_histogram_chart.data as number[]
    const chart = await chartOf(client, 'generate_histogram_chart', { data, binNumber: 4 })
    expect(chart.series[0].data).toHaveLength(4)
    expect(chart.series[0].data.reduce((a: number, b: number) => a + b, 0)).toBe(data.length)
    expect(chart.xAxis.data[0]).toBe('1–3')
  })

  it('computes box plot quartiles and outliers', async () => {
    const chart = await chartOf(client, 'generate_boxplot_chart', samples.generate_boxplot_chart)
    expect(chart.series[0]).toMatchObject({ type: 'boxplot', data: [[1, 2.25, 3.5, 4.75, 5]] })
    expect(chart.series[1]).toMatchObject({ type: 'scatter', data: [[0, 40]] })
  })

  it('gives radar spokes one shared scale', async () => {
    const chart = await chartOf(client, 'generate_radar_chart', samples.generate_radar_chart)
    expect(chart.radar.indicator).toEqual([
      { name: 'speed', max: 3 },
      { name: 'power', max: 3 },
      { name: 'range', max: 3 }
    ])
    expect(chart.series[0].data[0].value).toEqual([1, 2, 3])
  })

  it('puts dual-axes series on their own y axes', async () => {
    const chart = await chartOf(client, 'generate_dual_axes_chart', samples.generate_dual_axes_chart)
    expect(chart.yAxis).toHaveLength(2)
    expect(chart.series.map((s: any) => [s.type, s.yAxisIndex])).toEqual([
      ['bar', 0],
      ['line', 1]
    ])
  })

  it.each([
    [
      'generate_dual_axes_chart',
      {
        categories: ['a', 'b'],
        series: [
          { type: 'line', data: [1] },
          { type: 'column', data: [1, 2] }
        ]
      },
      /series\[0\] has 1 values but there are 2 categories/
    ],
    ['generate_gauge_chart', { value: 120 }, /outside the gauge range 0–100/],
    [
      'generate_radar_chart',
      {
        data: [
          { name: 'a', value: 1 },
          { name: 'b', value: 1 },
          { name: 'a', value: 2, group: 'g' }
        ]
      },
      /at least 3 dimensions/
    ],
    ['generate_network_graph_chart', { nodes: [{ name: 'a' }], edges: [{ source: 'a', target: 'z' }] }, /"z", which is not in nodes/],
    ['generate_treemap_chart', { data: [{ name: 'root', children: [{ name: 'leaf' }] }] }, /Leaf "root\/leaf" has no value/],
    ['generate_candlestick_chart', { data: [{ time: 'd', open: 1, close: 2, low: 1.5, high: 3 }] }, /low must be ≤ open and close/],
    [
      'generate_line_chart',
      {
        data: [
          { time: 'Jan', value: 1 },
          { time: 'Jan', value: 2 }
        ]
      },
      /Duplicate time "Jan"/
    ],
    ['generate_heatmap_chart', { data: [{ x: 1, y: 1, value: Number.NaN }] }, /value/]
  ])('%s refuses inconsistent data', async (tool, args, message) => {
    expect(await callError(client, tool, args)).toMatch(message)
  })

  it('refuses oversized input before building anything', async () => {
    const small = await connectInMemory(createChartServer({ maxInputElements: 50 }))
    const data = Array.from({ length: 100 }, (_, i) => i)
    expect(await callError(small, 'generate_histogram_chart', { data })).toMatch(/maximum of 50 elements/)
  })
})
