import type { ScheduleSpec } from '@contract/schedules'
import { useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import { localTimeZone } from './task-form'

/** Weekday names in the UI language, Sunday first (2023-01-01 was a Sunday). */
export function weekdayNames(language: string): string[] {
  const fmt = new Intl.DateTimeFormat(language, { weekday: 'long', timeZone: 'UTC' })
  return Array.from({ length: 7 }, (_, d) => fmt.format(Date.UTC(2023, 0, 1 + d)))
}

/** Schedules and run times in words: "Daily at 08:00", "Mon, Nov 24, 08:00 (Asia/Shanghai)". */
export function useScheduleText() {
  const { t, i18n } = useTranslation()
  return useMemo(() => {
    const days = weekdayNames(i18n.language)
    const describe = (spec: ScheduleSpec): string => {
      switch (spec.type) {
        case 'interval':
          return t(`employees.every.${spec.unit}`, { count: spec.every })
        case 'daily':
          return t('employees.describe.daily', { time: spec.time })
        case 'weekly':
          return t('employees.describe.weekly', { day: days[spec.weekday], time: spec.time })
        case 'monthly':
          return t('employees.describe.monthly', { day: spec.day, time: spec.time })
        case 'once':
          return t('employees.describe.once', { at: spec.at.replace('T', ' ') })
        case 'cron':
          return t('employees.describe.cron', { expression: spec.expression })
      }
    }
    /** A run time in the task's zone; the zone is named when it is not the viewer's. */
    const runTime = (ts: number, timeZone: string) => {
      const text = new Intl.DateTimeFormat(i18n.language, {
        weekday: 'short',
        month: 'short',
        day: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
        hour12: false,
        timeZone
      }).format(ts)
      return timeZone === localTimeZone() ? text : `${text} (${timeZone})`
    }
    return { describe, runTime, days }
  }, [t, i18n.language])
}
