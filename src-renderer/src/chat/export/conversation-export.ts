import { Marked } from 'marked'
import type { ChatItem, ToolStep } from '../model'

/** The words of an export, in the UI's language. */
export interface ExportLabels {
  you: string
  agent: string
  tools: string
  sources: string
  attachments: string
  stopped: string
  failed: string
  toolError: string
  page: string
  exportedAt: string
}

export interface ConversationExport {
  title: string
  agentName: string
  items: ChatItem[]
  labels: ExportLabels
  formatDate: (t: number) => string
  now?: number
}

const oneLine = (text: string, max: number) => {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat
}
/** Inline code that survives backticks in the text. */
const code = (text: string) => {
  const ticks = '`'.repeat(Math.max(1, ...[...text.matchAll(/`+/g)].map((m) => m[0].length + 1)))
  return `${ticks}${ticks.length > 1 ? ' ' : ''}${text}${ticks.length > 1 ? ' ' : ''}${ticks}`
}

function toolLine(step: ToolStep, labels: ExportLabels): string {
  const args = step.arguments ? oneLine(step.arguments, 80) : ''
  const result = step.result === undefined ? '' : step.isError ? ` → ${labels.toolError}: ${oneLine(step.result, 120)}` : ` → ${oneLine(step.result, 120)}`
  return `- ${code(step.name)}${args ? ` ${code(args)}` : ''}${result}`
}

/**
 * A conversation as Markdown: each message under a heading with who said it and when, the tools a
 * turn used summarised in one line each (arguments and result cut short), and its numbered sources
 * (document, page, the cited passage) so the `[n]` markers of the answer stay meaningful.
 */
export function conversationMarkdown({ title, agentName, items, labels, formatDate, now = Date.now() }: ConversationExport): string {
  const out: string[] = [`# ${title}`, '', `${labels.agent}: **${agentName}** · ${labels.exportedAt} ${formatDate(now)}`, '']
  for (const item of items) {
    out.push('---', '')
    if (item.kind === 'user') {
      out.push(`### ${labels.you} · ${formatDate(item.createdAt)}`, '', item.content, '')
      if (item.attachments?.length) out.push(`*${labels.attachments}: ${item.attachments.map((a) => a.name).join(', ')}*`, '')
      continue
    }
    out.push(`### ${agentName} · ${formatDate(item.createdAt)}`, '')
    const steps = item.parts.flatMap((p) => (p.type === 'tool' ? [p.step] : []))
    if (steps.length) out.push(`**${labels.tools}**`, '', ...steps.map((s) => toolLine(s, labels)), '')
    const text = item.parts
      .flatMap((p) => (p.type === 'text' ? [p.text] : []))
      .join('\n\n')
      .trim()
    if (text) out.push(text, '')
    if (item.status === 'stopped') out.push(`*${labels.stopped}*`, '')
    if (item.status === 'error') out.push(`*${labels.failed}${item.error ? `: ${item.error}` : ''}*`, '')
    if (item.sources.length) {
      out.push(`**${labels.sources}**`, '')
      item.sources.forEach((s, i) => {
        const where = s.page ? ` (${labels.page} ${s.page})` : ''
        out.push(`${i + 1}. ${s.docName}${where} — “${oneLine(s.text, 200)}”`)
      })
      out.push('')
    }
  }
  return out.join('\n').replace(/\n{3,}/g, '\n\n')
}

/** A file name from a title: what file systems accept (no separators, reserved or control characters), never empty. */
export function exportFileName(title: string, ext: string): string {
  const clean = [...title]
    .map((c) => (c.charCodeAt(0) < 32 || '\\/:*?"<>|'.includes(c) ? ' ' : c))
    .join('')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 80)
  return `${clean || 'conversation'}.${ext}`
}

/** Saves text as a file (the browser's download; Electron asks where). */
export function downloadText(text: string, fileName: string, type = 'text/markdown;charset=utf-8') {
  downloadBlob(new Blob([text], { type }), fileName)
}

/** Saves a file the page made (text, an image). */
export function downloadBlob(blob: Blob, fileName: string) {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = fileName
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

// Markdown → HTML for printing; HTML a model wrote is shown as text, never as markup.
const printMarked = new Marked({ gfm: true, renderer: { html: ({ text }) => escapeHtml(text) } })

const PRINT_CSS = `
body { font: 14px/1.6 -apple-system, "Segoe UI", "PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; color: #1f1f1f; margin: 24px 32px; }
h1 { font-size: 22px; margin: 0 0 4px; } h3 { font-size: 14px; color: #555; margin: 16px 0 6px; }
hr { border: none; border-top: 1px solid #e5e5e5; margin: 16px 0; }
pre { background: #f6f6f6; padding: 8px 10px; border-radius: 6px; white-space: pre-wrap; word-break: break-word; }
code { background: #f6f6f6; padding: 0 3px; border-radius: 3px; font-size: 12.5px; }
table { border-collapse: collapse; } td, th { border: 1px solid #ddd; padding: 4px 8px; }
img { max-width: 100%; }
@page { margin: 16mm; }
`

/** A conversation's Markdown as HTML, as printed (and drawn into the PNG export). */
export const conversationHtml = (markdown: string) => printMarked.parse(markdown) as string

/** The printable page of a conversation (what "Save as PDF" in the print dialog writes). */
export const printableHtml = (markdown: string, title: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${PRINT_CSS}</style></head><body>${conversationHtml(markdown)}</body></html>`

/**
 * Opens the print dialog for a conversation, whose "Save as PDF" makes the PDF: the system's fonts
 * draw any script (Chinese included), which a PDF written here would have to embed. The page is a
 * hidden frame with no scripts (sandboxed), left in place until the next print.
 */
export function printConversation(markdown: string, title: string): HTMLIFrameElement {
  document.querySelector('iframe[data-testid="chat-print-frame"]')?.remove()
  const frame = document.createElement('iframe')
  frame.dataset.testid = 'chat-print-frame'
  frame.setAttribute('sandbox', 'allow-same-origin allow-modals')
  frame.setAttribute('aria-hidden', 'true')
  frame.style.cssText = 'position:fixed;width:0;height:0;border:0;right:0;bottom:0'
  frame.srcdoc = printableHtml(markdown, title)
  frame.addEventListener('load', () => frame.contentWindow?.print(), { once: true })
  document.body.append(frame)
  return frame
}
