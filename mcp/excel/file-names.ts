import { extname, resolve, sep } from 'node:path'
import { ToolError } from '../shared/results.js'

export type FileKind = 'xlsx' | 'csv'

// Names Windows will not create whatever the extension; refusing them keeps files portable.
const reservedNames = /^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i

/**
 * Turns a model-supplied name into a path inside `dir`, or refuses it. Only plain names are accepted
 * (no folders, no dot-files, no drive letters): anything else could reach outside the data folder.
 * A name without an extension gets `defaultKind`'s.
 */
export function resolveFileName(
  dir: string,
  rawName: string,
  kinds: FileKind[],
  defaultKind: FileKind = kinds[0]
): { name: string; path: string; kind: FileKind } {
  const trimmed = rawName.trim()
  const refuse = (why: string) => new ToolError(`Refused file name "${rawName}": ${why}. Use a plain name such as "report.${defaultKind}".`)
  if (trimmed === '') throw refuse('it is empty')
  if (/[/\\:]/.test(trimmed)) throw refuse('folders and drive letters are not allowed, files live in the data folder')
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f<>"|?*]/.test(trimmed)) throw refuse('it contains characters file systems reject')
  if (trimmed.startsWith('.')) throw refuse('names may not start with a dot')
  if (reservedNames.test(trimmed)) throw refuse('it is a reserved device name on Windows')
  if (trimmed.length > 180) throw refuse('it is longer than 180 characters')

  const extension = extname(trimmed).slice(1).toLowerCase()
  const kind = (extension === '' ? defaultKind : extension) as FileKind
  if (!kinds.includes(kind)) throw refuse(`only ${kinds.map((k) => '.' + k).join(' or ')} files are allowed here`)
  const name = extension === '' ? `${trimmed}.${kind}` : trimmed

  // Belt and braces: whatever the checks above missed, the result must sit directly in dir.
  const root = resolve(dir)
  const path = resolve(root, name)
  if (!path.startsWith(root + sep) || path.slice(root.length + 1).includes(sep)) throw refuse('it points outside the data folder')
  return { name, path, kind }
}
