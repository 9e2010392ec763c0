import { FileTextOutlined } from '@ant-design/icons'
import type { Source } from '@contract/chat'
import { Collapse } from 'antd'
import { useTranslation } from 'react-i18next'

/** The passages the answer was given, numbered as the model cites them ([1], [2]…). */
export function Sources({ sources }: { sources: Source[] }) {
  const { t } = useTranslation()
  const items = [
    {
      key: 'sources',
      label: (
        <span className="sources-label">
          <FileTextOutlined /> {t('chat.sources', { count: sources.length })}
        </span>
      ),
      children: (
        <ol className="sources-list">
          {sources.map((s, i) => (
            <li key={`${s.chunkId}-${i}`} data-testid="source">
              <div className="source-head">
                <span className="source-n">{i + 1}</span>
                <span className="source-doc">{s.docName}</span>
                {s.page !== undefined && <span className="muted small">{t('chat.page', { page: s.page })}</span>}
                {s.headingPath?.length ? <span className="muted small">{s.headingPath.join(' › ')}</span> : null}
                <span className="muted small source-score">{s.score.toFixed(2)}</span>
              </div>
              <blockquote className="source-text">{s.text}</blockquote>
            </li>
          ))}
        </ol>
      )
    }
  ]
  return <Collapse ghost size="small" className="sources" items={items} data-testid="sources" />
}
