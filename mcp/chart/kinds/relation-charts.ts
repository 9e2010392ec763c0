import { z } from 'zod'
import { ToolError } from '../../shared/results.js'
import { defineChart } from '../define.js'
import { titleFields, treeNode } from '../fields.js'
import { distinct } from '../pivot.js'
import { frame } from './layout.js'

// Charts of links between things: flows, networks and trees.

/** ECharts' sankey silently draws nothing for a cycle; say which link closes it instead. */
function findCycle(links: { source: string; target: string }[]): string[] | undefined {
  const next = new Map<string, string[]>()
  for (const { source, target } of links) next.set(source, [...(next.get(source) ?? []), target])
  const state = new Map<string, 'visiting' | 'done'>()
  const path: string[] = []
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === 'done') return undefined
    if (state.get(node) === 'visiting') return [...path.slice(path.indexOf(node)), node]
    state.set(node, 'visiting')
    path.push(node)
    for (const target of next.get(node) ?? []) {
      const cycle = visit(target)
      if (cycle) return cycle
    }
    path.pop()
    state.set(node, 'done')
    return undefined
  }
  for (const node of next.keys()) {
    const cycle = visit(node)
    if (cycle) return cycle
  }
  return undefined
}

export const sankeyChart = defineChart({
  name: 'generate_sankey_chart',
  title: 'Sankey diagram',
  description: 'A sankey diagram: flows of a quantity between stages (energy, money, users); links must not form a cycle.',
  input: {
    ...titleFields,
    data: z
      .array(z.object({ source: z.string().min(1), target: z.string().min(1), value: z.number().positive() }))
      .min(1)
      .describe('[{source, target, value}]')
  },
  build(input) {
    const cycle = findCycle(input.data)
    if (cycle) throw new ToolError(`Links form a cycle (${cycle.join(' → ')}); a sankey diagram needs flows that only go forward`)
    const nodes = distinct(input.data.flatMap((l) => [l.source, l.target]))
    return {
      ...frame(input.title),
      series: [
        {
          type: 'sankey',
          top: 48,
          emphasis: { focus: 'adjacency' },
          data: nodes.map((name) => ({ name })),
          links: input.data.map((l) => ({ source: l.source, target: l.target, value: l.value }))
        }
      ]
    }
  }
})

export const networkGraphChart = defineChart({
  name: 'generate_network_graph_chart',
  title: 'Network graph',
  description: 'A network graph: entities and the relations between them, laid out by force.',
  input: {
    ...titleFields,
    nodes: z
      .array(z.object({ name: z.string().min(1), group: z.string().min(1).optional() }))
      .min(1)
      .describe('[{name, group?}]; groups get their own colour'),
    edges: z
      .array(z.object({ source: z.string().min(1), target: z.string().min(1), name: z.string().optional() }))
      .describe('[{source, target, name?}] referring to node names')
  },
  build(input) {
    const names = new Set(input.nodes.map((n) => n.name))
    if (names.size !== input.nodes.length) throw new ToolError('Node names must be unique')
    input.edges.forEach((e, i) => {
      for (const end of [e.source, e.target]) {
        if (!names.has(end)) throw new ToolError(`edges[${i}] refers to "${end}", which is not in nodes`)
      }
    })
    const groups = distinct(input.nodes.map((n) => n.group).filter((g): g is string => g !== undefined))
    return {
      ...frame(input.title, { legend: groups.length > 0 }),
      series: [
        {
          type: 'graph',
          layout: 'force',
          roam: true,
          draggable: true,
          symbolSize: 24,
          label: { show: true, position: 'right' },
          force: { repulsion: 200, edgeLength: 90 },
          edgeSymbol: ['none', 'arrow'],
          categories: groups.map((name) => ({ name })),
          data: input.nodes.map((n) => ({ name: n.name, ...(n.group ? { category: groups.indexOf(n.group) } : {}) })),
          links: input.edges.map((e) => ({
            source: e.source,
            target: e.target,
            ...(e.name ? { label: { show: true, formatter: e.name } } : {})
          }))
        }
      ]
    }
  }
})

const treeInput = {
  ...titleFields,
  data: treeNode.describe('The root node {name, children?: [...]}')
}

function tree(orient: 'LR' | 'TB') {
  return (input: z.infer<z.ZodObject<typeof treeInput>>) => ({
    ...frame(input.title),
    series: [
      {
        type: 'tree',
        data: [input.data],
        orient,
        top: 56,
        bottom: 24,
        left: orient === 'LR' ? 80 : 24,
        right: orient === 'LR' ? 120 : 24,
        initialTreeDepth: -1,
        expandAndCollapse: true,
        label: orient === 'LR' ? { position: 'left', align: 'right' } : { position: 'top' },
        leaves: { label: orient === 'LR' ? { position: 'right', align: 'left' } : { position: 'bottom' } }
      }
    ]
  })
}

export const mindMapChart = defineChart({
  name: 'generate_mind_map',
  title: 'Mind map',
  description: 'A mind map: a central topic branching left-to-right into subtopics.',
  input: treeInput,
  build: tree('LR')
})

export const organizationChart = defineChart({
  name: 'generate_organization_chart',
  title: 'Organization chart',
  description: 'An organization chart: a hierarchy drawn top-down (people, departments, a decision tree).',
  input: treeInput,
  build: tree('TB')
})
