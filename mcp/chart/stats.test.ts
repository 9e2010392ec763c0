import { describe, expect, it } from 'vitest'
import { boxSummary, formatNumber, histogramBins, quantile } from './stats.js'
import { pivot } from './pivot.js'

describe('chart statistics', () => {
  it('interpolates quantiles like Excel QUARTILE', () => {
    expect(quantile([1, 2, 3, 4], 0.25)).toBe(1.75)
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5)
    expect(quantile([7], 0.75)).toBe(7)
  })

  it('keeps whiskers inside 1.5 IQR and reports the rest as outliers', () => {
    expect(boxSummary([-50, 1, 2, 3, 4, 5, 60])).toEqual({ box: [1, 1.5, 3, 4.5, 5], outliers: [-50, 60] })
  })

  it('puts the maximum into the last bin and handles a single repeated value', () => {
    expect(histogramBins([0, 5, 10], 2)).toEqual([
      { from: 0, to: 5, count: 1 },
      { from: 5, to: 10, count: 2 }
    ])
    expect(histogramBins([3, 3, 3])).toEqual([{ from: 3, to: 3, count: 3 }])
  })

  it('formats bin edges without floating-point noise', () => {
    expect(formatNumber(0.1 + 0.2)).toBe('0.3')
    expect(formatNumber(123456)).toBe('123500')
  })

  it('pivots long data into aligned series in first-seen order', () => {
    expect(
      pivot(
        [
          { key: 2021, value: 1, group: 'a' },
          { key: 2020, value: 2, group: 'b' }
        ],
        'time'
      )
    ).toEqual({
      keys: ['2021', '2020'],
      series: [
        { name: 'a', values: [1, null] },
        { name: 'b', values: [null, 2] }
      ]
    })
  })
})
