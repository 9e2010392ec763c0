import type { Source } from '@contract/chat'
import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'

/** The sources of the message being drawn, numbered as the model cites them. */
export const SourcesContext = createContext<Source[] | null>(null)

/**
 * A citation marker: the number as a button when the message has that source; a click shows the
 * document and the passage (plain React, so the phone page and the widget get it without antd).
 */
export function Citation({ n, children }: { n?: string | number; children?: ReactNode }) {
  const { t } = useTranslation()
  const sources = useContext(SourcesContext)
  const [open, setOpen] = useState(false)
  const box = useRef<HTMLSpanElement>(null)
  const index = Number(n)
  const source = sources?.[index - 1]
  useEffect(() => {
    if (!open) return
    const away = (e: Event) => {
      if (!box.current?.contains(e.target as Node)) setOpen(false)
    }
    const esc = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setOpen(false)
    }
    document.addEventListener('pointerdown', away)
    document.addEventListener('keydown', esc)
    return () => {
      document.removeEventListener('pointerdown', away)
      document.removeEventListener('keydown', esc)
    }
  }, [open])
  if (!source) return <>{children}</>
  return (
    <span className="cite" ref={box}>
      <button
        type="button"
        className="cite-n"
        aria-expanded={open}
        aria-label={t('chat.citation', { n: index, doc: source.docName })}
        onClick={() => setOpen(!open)}
        data-testid="cite"
      >
        {index}
      </button>
      {open && (
        <span className="cite-pop" role="dialog" aria-label={t('chat.citation', { n: index, doc: source.docName })} data-testid="cite-pop">
          <span className="cite-doc">
            {index}. {source.docName}
            {source.page !== undefined && ` · ${t('chat.page', { page: source.page })}`}
          </span>
          <span className="cite-text">{source.text}</span>
        </span>
      )}
    </span>
  )
}
