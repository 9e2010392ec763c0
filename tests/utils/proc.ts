import { readFileSync } from 'node:fs'

/** The pids of a Linux process's children (`agenta` runs the server as its child: bin/agenta.js). */
export function childPids(pid: number): number[] {
  return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ').filter(Boolean).map(Number)
}

/** A memory figure of a Linux process in bytes: VmRSS now, or VmHWM, its peak so far; 0 if it is gone. */
export function memBytes(pid: number | 'self', field: 'VmRSS' | 'VmHWM'): number {
  try {
    const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`${field}:\\s+(\\d+) kB`))
    return m ? Number(m[1]) * 1024 : 0
  } catch {
    return 0
  }
}
