import { AppError } from '../../contract/errors'
import type { ToolConfig } from '../../contract/entities'
import { secretHint, type SecretBox } from '../secrets/secret-box'

/**
 * The values of an MCP server's headers (remote) or environment (stdio) are often API keys. They
 * are stored sealed with the app's SecretBox, as provider keys are; the stored config keeps the
 * names with a hint in place of each value, so listing never needs the key. The API shows the
 * hints, and a hint sent back unchanged keeps the stored value.
 *
 * Stored: `{ ...config, headers|env: { name: hint }, sealed: box.encrypt(JSON of { name: value }) }`.
 * Rows written before this (clear values, no `sealed`) are read as they are and sealed at start.
 */
export type StoredToolConfig = ToolConfig & { sealed?: string }

type Values = Record<string, string>

const secretField = (c: ToolConfig): 'env' | 'headers' => (c.transport === 'stdio' ? 'env' : 'headers')
const valuesOf = (c: ToolConfig): Values => (c.transport === 'stdio' ? c.env : c.headers)
const withValues = (c: ToolConfig, values: Values): ToolConfig => (c.transport === 'stdio' ? { ...c, env: values } : { ...c, headers: values })
const hints = (values: Values): Values => Object.fromEntries(Object.entries(values).map(([k, v]) => [k, secretHint(v)]))

/** True for a row still holding clear values (written before sealing existed). */
export const isClearText = (c: StoredToolConfig): boolean => c.sealed === undefined && Object.keys(valuesOf(c) ?? {}).length > 0

export function toolSecrets(box: SecretBox) {
  /** What the store keeps: hints in the config, the values sealed. */
  function seal(c: ToolConfig): StoredToolConfig {
    const values = valuesOf(c)
    if (!Object.keys(values).length) return c
    return { ...withValues(c, hints(values)), sealed: box.encrypt(JSON.stringify(values)) }
  }

  /** What the API shows. */
  function mask(c: StoredToolConfig): ToolConfig {
    const { sealed, ...rest } = c
    return sealed === undefined ? withValues(rest, hints(valuesOf(rest))) : rest
  }

  /** What the MCP connection uses. */
  function reveal(c: StoredToolConfig, toolName: string): ToolConfig {
    const { sealed, ...rest } = c
    if (sealed === undefined) return rest
    try {
      return withValues(rest, JSON.parse(box.decrypt(sealed)) as Values)
    } catch {
      throw new AppError('conflict', `The ${secretField(rest)} values of "${toolName}" cannot be decrypted on this machine; enter them again`)
    }
  }

  /** A config from the API: each value equal to the stored hint of the same name is the stored value. */
  function unmask(next: ToolConfig, prev: StoredToolConfig, toolName: string): ToolConfig {
    if (secretField(next) !== secretField(prev)) return next
    const shown = valuesOf(mask(prev))
    const kept = Object.entries(valuesOf(next)).filter(([k, v]) => shown[k] !== undefined && v === shown[k])
    if (!kept.length) return next
    const stored = valuesOf(reveal(prev, toolName))
    return withValues(next, { ...valuesOf(next), ...Object.fromEntries(kept.map(([k]) => [k, stored[k]])) })
  }

  return { seal, mask, reveal, unmask }
}
