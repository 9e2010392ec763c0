import { configureLog } from '../../src-main/base/log'

export interface CapturedLine {
  level: number
  msg: string
  err?: { message: string; stack?: string }
  [field: string]: unknown
}

/** Routes the process logger into memory until `restore()`: tests assert what was logged. */
export function captureLog(level = 'debug') {
  const lines: CapturedLine[] = []
  configureLog({ console: 'none', level, stream: { write: (line: string) => void lines.push(JSON.parse(line)) } })
  return {
    lines,
    /** Lines at warn (40) and above. */
    warnings: () => lines.filter((l) => l.level >= 40),
    restore: () => void configureLog({ console: 'none', level: 'silent' })
  }
}
