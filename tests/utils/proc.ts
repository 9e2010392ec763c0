import { readFileSync } from 'node:fs'

/** The pids of a Linux process's children (`agenta` runs the server as its child: bin/agenta.js). */
export function childPids(pid: number): number[] {
  return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ').filter(Boolean).map(Number)
}
