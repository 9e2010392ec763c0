import { useTranslation } from 'react-i18next'

/** Dates in the UI language, e.g. "2025/11/25 14:22" or "Nov 25, 2025, 2:22 PM". */
export function useFormatDate() {
  const { i18n } = useTranslation()
  const fmt = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' })
  return (ts: number) => fmt.format(ts)
}

/** Lines of a textarea, trimmed, blanks dropped. */
export const lines = (text: string | undefined) =>
  (text ?? '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
