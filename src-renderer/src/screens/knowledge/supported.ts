/**
 * File types the core can read (src-main/core/knowledge/README.md, "Parsing"). Checked here too so
 * a dropped folder's images and binaries are skipped with one note instead of one error each; the
 * server still decides (415 for anything it cannot read).
 */
export const SUPPORTED_EXTENSIONS = [
  '.txt',
  '.text',
  '.log',
  '.md',
  '.markdown',
  '.mdx',
  '.html',
  '.htm',
  '.xhtml',
  '.pdf',
  '.docx',
  '.xlsx',
  '.xlsm',
  '.xls',
  '.ods',
  '.csv',
  '.tsv',
  '.json',
  '.jsonl',
  '.ndjson'
]

export const isSupported = (name: string) => {
  const dot = name.lastIndexOf('.')
  return dot > 0 && SUPPORTED_EXTENSIONS.includes(name.slice(dot).toLowerCase())
}

/** Hidden files and folders (.git, .DS_Store) are never documents. */
export const isHidden = (file: File) => (file.webkitRelativePath || file.name).split('/').some((part) => part.startsWith('.'))
