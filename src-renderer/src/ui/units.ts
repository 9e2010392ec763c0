import { useTranslation } from 'react-i18next'

/** 1.2 MB, 340 KB, 12 B: binary units, one decimal below ten. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB']
  let v = bytes
  let i = 0
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return `${i === 0 ? v : v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`
}

/** Numbers and durations in the UI language ("12,345" / "12,345"; "2 min 5 s" / "2 分 5 秒"). */
export function useUnits() {
  const { t, i18n } = useTranslation()
  const nf = new Intl.NumberFormat(i18n.language)
  const duration = (ms: number) => {
    if (ms < 1000) return t('units.ms', { n: Math.max(0, Math.round(ms)) })
    const s = Math.round(ms / 1000)
    if (s < 60) return t('units.s', { n: s })
    const m = Math.floor(s / 60)
    if (m < 60) return s % 60 ? t('units.minS', { m, s: s % 60 }) : t('units.min', { n: m })
    const h = Math.floor(m / 60)
    return m % 60 ? t('units.hMin', { h, m: m % 60 }) : t('units.h', { n: h })
  }
  return { number: (n: number) => nf.format(n), duration, bytes: formatBytes }
}
