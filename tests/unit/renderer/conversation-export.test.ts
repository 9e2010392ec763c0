import type { ChatMessage } from '@contract/chat'
import { describe, expect, test } from 'vitest'
import { conversationMarkdown, exportFileName, printableHtml, type ExportLabels } from '../../../src-renderer/src/chat/export/conversation-export'
import { groupMessages } from '../../../src-renderer/src/chat/model'

const labels: ExportLabels = {
  you: 'You',
  agent: 'Agent',
  tools: 'Tools used',
  sources: 'Sources',
  attachments: 'Attached',
  stopped: '(stopped)',
  failed: 'The answer failed',
  toolError: 'error',
  page: 'p.',
  exportedAt: 'exported'
}
const msg = (id: string, role: ChatMessage['role'], content: string, meta: ChatMessage['meta'] = {}): ChatMessage => ({
  id,
  sessionId: 's',
  role,
  content,
  meta,
  createdAt: 1000
})

const messages: ChatMessage[] = [
  msg('1', 'user', 'When do you open?', { attachments: [{ name: 'plan.pdf', mimeType: 'application/pdf', size: 10, kind: 'file' }] }),
  msg('2', 'assistant', '', { runId: 'r1', toolCalls: [{ id: 'c1', name: 'search_kb', arguments: '{"query":"opening hours"}' }] }),
  msg('3', 'tool', 'Opening hours: 9:00 to 17:00. '.repeat(20), { runId: 'r1', toolCallId: 'c1', toolName: 'search_kb' }),
  msg('4', 'tool', 'connection refused', { runId: 'r1', toolCallId: 'c2', toolName: 'get_weather', isError: true }),
  msg('5', 'assistant', 'We open at **9:00** [1].', {
    runId: 'r1',
    status: 'ok',
    sources: [{ kbId: 'k', docId: 'd', docName: 'Handbook.pdf', chunkId: 'c', text: 'The museum opens at 9:00 every day.', score: 1, page: 3 }]
  }),
  msg('6', 'user', 'And `<script>alert(1)</script>`?'),
  msg('7', 'assistant', 'Half an', { runId: 'r2', status: 'stopped' })
]

describe('conversation export', () => {
  const md = conversationMarkdown({ title: 'Opening hours', agentName: 'Guide', items: groupMessages(messages), labels, formatDate: () => 'DATE', now: 0 })

  test('Markdown: who said what and when, tools summarised in one line each, numbered sources', () => {
    expect(md).toContain('# Opening hours')
    expect(md).toContain('Agent: **Guide** · exported DATE')
    expect(md).toContain('### You · DATE\n\nWhen do you open?')
    expect(md).toContain('*Attached: plan.pdf*')
    expect(md).toContain('### Guide · DATE')
    expect(md).toMatch(/- `search_kb` `\{"query":"opening hours"\}` → Opening hours: 9:00 to 17:00\..*…\n/)
    expect(md).toContain('- `get_weather` → error: connection refused')
    expect(md).toContain('We open at **9:00** [1].')
    expect(md).toContain('1. Handbook.pdf (p. 3) — “The museum opens at 9:00 every day.”')
    expect(md).toContain('Half an\n\n*(stopped)*')
    // A tool result is cut short: the export summarises, it does not dump.
    expect(md.split('\n').find((l) => l.includes('search_kb'))!.length).toBeLessThan(250)
  })

  test('the printable page shows HTML the conversation contains as text, never as markup', () => {
    const html = printableHtml('<img src=x onerror=alert(1)>\n\n' + md, 'A <b>title</b>')
    expect(html).not.toContain('<img src=x')
    expect(html).toContain('&#60;img src=x onerror=alert(1)&#62;')
    expect(html).toContain('<title>A &#60;b&#62;title&#60;/b&#62;</title>')
    expect(html).toContain('<strong>9:00</strong>')
  })

  test('file names keep the title but nothing a file system refuses', () => {
    expect(exportFileName('Q3: sales / costs?', 'md')).toBe('Q3 sales costs.md')
    expect(exportFileName('', 'md')).toBe('conversation.md')
    expect(exportFileName('营业时间', 'md')).toBe('营业时间.md')
  })
})
