import { z } from 'zod'

// Shared schema pieces, so every chart names the same thing the same way (the model learns it once).

export const titleFields = {
  title: z.string().max(200).optional().describe('Chart title shown above the chart')
}

export const axisFields = {
  axisXTitle: z.string().max(100).optional().describe('Title of the horizontal axis'),
  axisYTitle: z.string().max(100).optional().describe('Title of the vertical axis')
}

/** Models send years and ids as numbers as often as strings; both mean a label here. */
export const label = z.union([z.string().min(1), z.number()])

export const group = z.string().min(1).optional().describe('Series name: points sharing a group form one series (one line, one set of bars)')

export const timePoint = z.object({
  time: label.describe('Position on the x axis, e.g. "2024-01" or 2024; kept in the given order'),
  value: z.number(),
  group
})

export const categoryPoint = z.object({
  category: label.describe('Category label'),
  value: z.number(),
  group
})

export const namedValue = z.object({ category: label.describe('Slice or stage label'), value: z.number().min(0) })

export interface TreeNode {
  name: string
  value?: number
  children?: TreeNode[]
}

export const treeNode: z.ZodType<TreeNode> = z.object({
  name: z.string().min(1),
  value: z.number().min(0).optional().describe('Size of a leaf; parents are the sum of their children'),
  get children() {
    return z.array(treeNode).optional()
  }
})

export const stackField = {
  stack: z.boolean().optional().describe('Stack the groups on top of each other instead of side by side')
}
