import type { CardType } from '@contract/cards'

/** Example data per card type: the editor's previews (labels in the UI language come from i18n keys). */
export function sampleCard(type: CardType, t: (key: string) => string): Record<string, unknown> {
  const s = (key: string) => t(`cards.sample.${key}`)
  switch (type) {
    case 'weather':
      return {
        city: s('city'),
        date: s('today'),
        condition: s('sunny'),
        temperature: 21,
        high: 24,
        low: 14,
        humidity: 42,
        wind: s('wind'),
        forecast: [
          { date: s('tomorrow'), condition: s('cloudy'), high: 22, low: 13 },
          { date: s('dayAfter'), condition: s('rain'), high: 18, low: 12 }
        ]
      }
    case 'list':
      return {
        title: s('listTitle'),
        items: [
          { title: s('spot1'), subtitle: s('spot1Sub'), tags: [s('tagOpen')] },
          { title: s('spot2'), subtitle: s('spot2Sub'), tags: [s('tagFamily')] }
        ]
      }
    case 'detail':
      return {
        title: s('spot1'),
        description: s('detailDesc'),
        fields: [
          { label: s('hoursLabel'), value: '08:00 – 18:00' },
          { label: s('priceLabel'), value: '¥88' }
        ],
        actions: [{ label: s('bookAction'), message: s('bookActionMessage') }]
      }
    case 'booking':
      return {
        title: s('ticketTitle'),
        options: [
          { name: s('adult'), price: 88, currency: 'CNY' },
          { name: s('child'), price: 44, currency: 'CNY' }
        ],
        dates: ['12-01', '12-02', '12-03'],
        note: s('bookingNote')
      }
    case 'route':
      return {
        title: s('routeTitle'),
        totalDuration: '6h',
        distance: '15 km',
        stops: [
          { name: s('gate'), duration: '20 min' },
          { name: s('spot1'), duration: '2 h' },
          { name: s('spot2'), duration: '1.5 h' }
        ]
      }
    case 'welcome':
      return { greeting: s('greeting'), questions: [s('q1'), s('q2'), s('q3')] }
    case 'chart':
      return {
        title: s('chartTitle'),
        option: {
          tooltip: {},
          xAxis: { type: 'category', data: ['9', '10', '11', '12', '13', '14'] },
          yAxis: { type: 'value' },
          series: [{ type: 'bar', data: [120, 340, 560, 610, 480, 390] }]
        }
      }
    case 'table':
      return {
        title: s('tableTitle'),
        columns: [s('colName'), s('colOpen'), s('colPrice')],
        rows: [
          [s('spot1'), '08:00', 88],
          [s('spot2'), '09:00', 60]
        ]
      }
    case 'link':
      return { title: s('linksTitle'), links: [{ title: s('linkSite'), url: 'https://example.com', description: s('linkSiteDesc') }] }
  }
}
