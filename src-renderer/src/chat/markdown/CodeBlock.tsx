import { useState, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'

/** Plain text of a rendered code element (highlighting wraps it in spans). */
function textOf(node: ReactNode): string {
  if (node === null || node === undefined || typeof node === 'boolean') return ''
  if (typeof node === 'string' || typeof node === 'number') return String(node)
  if (Array.isArray(node)) return node.map(textOf).join('')
  if (typeof node === 'object' && 'props' in node) return textOf((node.props as { children?: ReactNode }).children)
  return ''
}

/** A fenced code block with its language and a copy button. */
export function CodeBlock({ children }: { children?: ReactNode }) {
  const { t } = useTranslation()
  const [copied, setCopied] = useState(false)
  const code = Array.isArray(children) ? children[0] : children
  const className = typeof code === 'object' && code && 'props' in code ? String((code.props as { className?: string }).className ?? '') : ''
  const lang = /language-([\w+#-]+)/.exec(className)?.[1] ?? ''
  const copy = () => {
    void navigator.clipboard?.writeText(textOf(children).replace(/\n$/, '')).then(
      () => {
        setCopied(true)
        setTimeout(() => setCopied(false), 1500)
      },
      () => setCopied(false)
    )
  }
  return (
    <div className="md-code">
      <div className="md-code-head">
        <span className="md-code-lang">{lang || t('chat.code')}</span>
        <button type="button" className="md-code-copy" onClick={copy} data-testid="code-copy">
          {copied ? t('chat.copied') : t('chat.copy')}
        </button>
      </div>
      <pre>{children}</pre>
    </div>
  )
}
