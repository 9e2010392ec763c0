import type { Implementation } from '@modelcontextprotocol/sdk/types.js'

/** Bumped together: the three servers ship inside the app and change with it. */
const version = '0.1.0'

export function serverInfo(name: string, title: string): Implementation {
  return { name, title, version }
}
