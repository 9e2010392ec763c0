import { SearchOutlined } from '@ant-design/icons'
import type { Source } from '@contract/chat'
import { SearchMode } from '@contract/knowledge'
import { Alert, Button, Empty, Input, InputNumber, Progress, Segmented, Slider, Tag } from 'antd'
import { Fragment, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { defaultSearchParams, searchInput, useSearch, type SearchParams } from '../../queries/knowledge-search'
import { translateError } from '../../api/errors'

/** Splits text around the query's words (and, for Chinese, its two-character runs), case-insensitively. */
function highlight(text: string, query: string) {
  const terms = query
    .split(/\s+/)
    .flatMap((w) => (/[\u3400-\u9fff]/.test(w) && w.length > 2 ? Array.from({ length: w.length - 1 }, (_, i) => w.slice(i, i + 2)) : [w]))
    .filter((w) => w.length > 1)
    .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
  if (!terms.length) return text
  const parts = text.split(new RegExp(`(${terms.join('|')})`, 'gi'))
  return parts.map((p, i) => (i % 2 ? <mark key={i}>{p}</mark> : <Fragment key={i}>{p}</Fragment>))
}

function Hit({ hit, rank, query }: { hit: Source; rank: number; query: string }) {
  const { t } = useTranslation()
  const text = useMemo(() => highlight(hit.text, query), [hit.text, query])
  return (
    <div className="kb-hit" data-testid="search-hit">
      <div className="kb-hit-head">
        <span className="kb-hit-rank">{rank}</span>
        <span className="kb-hit-doc" data-testid="hit-doc">
          {hit.docName}
        </span>
        {hit.headingPath && hit.headingPath.length > 0 && <span className="kb-heading-path">{hit.headingPath.join(' › ')}</span>}
        {hit.page !== undefined && <Tag variant="filled">{t('kb.chunks.page', { page: hit.page })}</Tag>}
        <span className="grow" />
        <span className="kb-hit-score" title={t('kb.search.score')}>
          <Progress percent={Math.round(hit.score * 100)} size={[72, 6]} showInfo={false} />
          <span className="mono" data-testid="hit-score">
            {hit.score.toFixed(3)}
          </span>
        </span>
      </div>
      <div className="kb-chunk-text">{text}</div>
    </div>
  )
}

/** Try a query the way an agent's binding would: mode, top-k and score threshold. */
export function SearchPlayground({ kbId }: { kbId: string }) {
  const { t } = useTranslation()
  const [params, setAll] = useState<SearchParams>(defaultSearchParams)
  const setParams = (patch: Partial<SearchParams>) => setAll((p) => ({ ...p, ...patch }))
  const { answer, searching, error, search: run } = useSearch()
  const result = answer?.result
  // The query the result answers (the field may have changed since).
  const resultQuery = answer?.query ?? ''
  const search = () => {
    const input = searchInput(kbId, params)
    if (input) run(input)
  }

  return (
    <div className="kb-panel" data-testid="search-playground">
      <div className="kb-search-form">
        <Input
          size="large"
          prefix={<SearchOutlined />}
          placeholder={t('kb.search.placeholder')}
          value={params.query}
          onChange={(e) => setParams({ query: e.target.value })}
          onPressEnter={search}
          data-testid="search-query"
        />
        <Button type="primary" size="large" onClick={search} loading={searching} disabled={!params.query.trim()} data-testid="search-run">
          {t('kb.search.run')}
        </Button>
      </div>
      <div className="kb-search-params">
        <label>
          <span>{t('kb.search.mode')}</span>
          <Segmented
            value={params.mode}
            onChange={(mode) => setParams({ mode: mode as SearchMode })}
            options={SearchMode.options.map((m) => ({ value: m, label: <span data-testid={`search-mode-${m}`}>{t(`kb.search.modes.${m}`)}</span> }))}
          />
        </label>
        <label>
          <span>{t('kb.search.topK')}</span>
          <InputNumber min={1} max={50} value={params.topK} onChange={(v) => v && setParams({ topK: v })} data-testid="search-topk" />
        </label>
        <label className="kb-threshold">
          <span>{t('kb.search.threshold', { value: params.scoreThreshold.toFixed(2) })}</span>
          <Slider min={0} max={1} step={0.05} value={params.scoreThreshold} onChange={(v) => setParams({ scoreThreshold: v })} />
        </label>
      </div>
      {error && <Alert type="error" showIcon title={translateError(error)} className="kb-note" />}
      {result && (
        <>
          <div className="kb-search-meta muted" data-testid="search-meta">
            {t('kb.search.meta', { count: result.hits.length, mode: t(`kb.search.modes.${result.mode}`), ms: Math.round(result.tookMs) })}
            {result.reranked && <Tag color="purple">{t('kb.search.reranked')}</Tag>}
          </div>
          {result.mode !== params.mode && params.mode !== 'fulltext' && <Alert type="info" showIcon className="kb-note" title={t('kb.search.fellBack')} />}
          {result.hits.length ? (
            result.hits.map((h, i) => <Hit key={h.chunkId} hit={h} rank={i + 1} query={resultQuery} />)
          ) : (
            <Empty description={t('kb.search.noHits')} />
          )}
        </>
      )}
    </div>
  )
}
