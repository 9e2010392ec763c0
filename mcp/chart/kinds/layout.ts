import type { ChartOption } from '../define.js'

/**
 * The frame every chart shares: centred title, legend at the bottom when there is more than one
 * series, and a grid that keeps axis labels inside the card (chart cards are small).
 */
export function frame(title: string | undefined, options: { legend?: boolean; tooltip?: 'axis' | 'item' } = {}): ChartOption {
  const option: ChartOption = {
    tooltip: { trigger: options.tooltip ?? 'item' }
  }
  if (title) option.title = { text: title, left: 'center' }
  if (options.legend) option.legend = { bottom: 0, type: 'scroll' }
  return option
}

export function grid(hasLegend: boolean): ChartOption {
  return { left: 16, right: 24, top: 56, bottom: hasLegend ? 40 : 16, containLabel: true }
}

export function categoryAxis(data: string[], name?: string, boundaryGap = true): ChartOption {
  return { type: 'category', data, name, boundaryGap }
}

export function valueAxis(name?: string, scale = false): ChartOption {
  return { type: 'value', name, scale }
}

/** Series of one un-grouped data set are named after the axis (or "value") so tooltips read well. */
export function seriesName(name: string | undefined, fallback: string | undefined): string {
  return name ?? fallback ?? 'value'
}
