import type { ScheduleRunEvent } from '../contract/schedules'

export interface NotificationSpec {
  title: string
  body: string
}

/** What a finished digital-employee run shows on the desktop; null when the task asked for no notification. */
export function runNotification(run: ScheduleRunEvent): NotificationSpec | null {
  if (!run.notify || run.status === 'running') return null
  const text = (run.status === 'ok' ? run.output : (run.error ?? run.output)).replace(/\s+/g, ' ').trim()
  const mark = run.status === 'ok' ? '✓' : '✗'
  return { title: `${mark} ${run.scheduleName}`, body: text.length > 200 ? `${text.slice(0, 199)}…` : text || run.status }
}
