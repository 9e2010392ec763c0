import { BookOutlined } from '@ant-design/icons'
import type { AgentKnowledgeBinding, BindingSettings } from '@contract/knowledge'
import type { Model } from '@contract/entities'
import { Button, Empty, InputNumber, Segmented, Select, Slider, Switch } from 'antd'
import { useTranslation } from 'react-i18next'
import { routeTo } from '../../../shell/route'
import { useModelOptions } from '../../../ui/useModelOptions'
import { Section } from './Section'
import { useCollection } from '../../../queries/collections'

const DEFAULTS: BindingSettings = { mode: 'hybrid', topK: 5, scoreThreshold: 0, hybridWeight: 0.5, rerankModelId: null, use: 'context' }
const modelRowId = (m: Model) => m.id

interface Props {
  value: AgentKnowledgeBinding[]
  onChange: (next: AgentKnowledgeBinding[]) => void
}

/** Knowledge bases the agent searches, and how: mode, how many passages, threshold, rerank, context or tool. */
export function KnowledgeSection({ value, onChange }: Props) {
  const { t } = useTranslation()
  const bases = useCollection('knowledgeBases').items
  const rerankers = useModelOptions('rerank', modelRowId)

  const set = (kbId: string, settings: Partial<BindingSettings> | null) => {
    const rest = value.filter((b) => b.kbId !== kbId)
    if (settings === null) return onChange(rest)
    const current = value.find((b) => b.kbId === kbId)?.settings ?? DEFAULTS
    onChange([...rest, { kbId, settings: { ...current, ...settings } }])
  }

  return (
    <Section
      icon={<BookOutlined />}
      title={t('workspace.knowledge')}
      testId="ws-knowledge"
      extra={
        <Button type="link" size="small" onClick={() => routeTo('knowledge')}>
          {t('workspace.manageKnowledge')}
        </Button>
      }
    >
      {bases.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('workspace.noKnowledge')} />
      ) : (
        <div className="ws-rows">
          {bases.map((kb) => {
            const binding = value.find((b) => b.kbId === kb.id)
            const s = binding?.settings
            return (
              <div key={kb.id} className={`ws-row ${binding ? 'on' : ''}`} data-testid="ws-kb-row">
                <div className="ws-row-head">
                  <span className="ws-kb-icon">📚</span>
                  <div className="ws-row-title">
                    <div>{kb.name}</div>
                    <div className="muted small">{t('knowledge.docCount', { count: kb.documentCount })}</div>
                  </div>
                  <Switch size="small" checked={!!binding} onChange={(on) => set(kb.id, on ? {} : null)} aria-label={kb.name} data-testid="ws-kb-switch" />
                </div>
                {s && (
                  <div className="ws-row-body ws-grid">
                    <span className="ws-label">{t('workspace.kbUse')}</span>
                    <Segmented
                      size="small"
                      value={s.use}
                      onChange={(use) => set(kb.id, { use: use as BindingSettings['use'] })}
                      options={['context', 'tool'].map((v) => ({ value: v, label: t(`workspace.kbUses.${v}`) }))}
                    />
                    <span className="ws-label">{t('workspace.kbMode')}</span>
                    <Segmented
                      size="small"
                      value={s.mode}
                      onChange={(mode) => set(kb.id, { mode: mode as BindingSettings['mode'] })}
                      options={['fulltext', 'vector', 'hybrid'].map((v) => ({ value: v, label: t(`workspace.kbModes.${v}`) }))}
                    />
                    <span className="ws-label">{t('workspace.kbTopK')}</span>
                    <InputNumber size="small" min={1} max={50} value={s.topK} onChange={(topK) => topK && set(kb.id, { topK })} />
                    <span className="ws-label">{t('workspace.kbThreshold')}</span>
                    <Slider min={0} max={1} step={0.05} value={s.scoreThreshold} onChange={(scoreThreshold) => set(kb.id, { scoreThreshold })} />
                    {s.mode === 'hybrid' && (
                      <>
                        <span className="ws-label">{t('workspace.kbWeight')}</span>
                        <Slider min={0} max={1} step={0.05} value={s.hybridWeight} onChange={(hybridWeight) => set(kb.id, { hybridWeight })} />
                      </>
                    )}
                    <span className="ws-label">{t('workspace.kbRerank')}</span>
                    <Select
                      size="small"
                      allowClear
                      value={s.rerankModelId ?? undefined}
                      placeholder={t('workspace.kbNoRerank')}
                      options={rerankers}
                      onChange={(id?: string) => set(kb.id, { rerankModelId: id ?? null })}
                    />
                  </div>
                )}
              </div>
            )
          })}
        </div>
      )}
    </Section>
  )
}
