import { BookOutlined, ClockCircleOutlined, DeleteOutlined, EditOutlined, FileTextOutlined, ScissorOutlined } from '@ant-design/icons'
import type { KnowledgeBase } from '@contract/entities'
import { Button, Tag, Tooltip } from 'antd'
import { useTranslation } from 'react-i18next'
import { useStudio } from '../../stores/hooks'
import { useDeleteConfirm } from '../../ui/useDeleteConfirm'
import { useFormatDate } from '../../ui/format'
import { removeItem } from '../../queries/collections'
import { useModels } from '../../queries/models'

interface Props {
  base: KnowledgeBase
  onOpen: () => void
  onEdit: () => void
}

export function KnowledgeCard({ base, onOpen, onEdit }: Props) {
  const { t } = useTranslation()
  const studio = useStudio()
  const confirmDelete = useDeleteConfirm()
  const formatDate = useFormatDate()
  const embedding = useModels().models.find((m) => m.id === base.embeddingModelId)

  const remove = () =>
    void confirmDelete({
      kind: 'knowledgeBase',
      id: base.id,
      title: t('knowledge.deleteTitle', { name: base.name }),
      body: t('knowledge.deleteBody', { count: base.documentCount }),
      remove: () => removeItem(studio, 'knowledgeBases', base.id)
    })
  const stop = (e: { stopPropagation(): void }) => e.stopPropagation()

  return (
    <div className="entity-card" data-testid="kb-card" role="button" tabIndex={0} onClick={onOpen} onKeyDown={(e) => e.key === 'Enter' && onOpen()}>
      <div className="entity-card-head">
        <span className="kb-avatar">
          <BookOutlined />
        </span>
        <div className="entity-card-title">
          <div className="entity-name" data-testid="kb-name">
            {base.name}
          </div>
          <div className="entity-meta">
            <ClockCircleOutlined /> {formatDate(base.updatedAt)}
          </div>
        </div>
      </div>
      <p className="entity-desc">{base.description || <span className="muted">{t('knowledge.noDescription')}</span>}</p>
      <div className="entity-stats">
        <span>
          <FileTextOutlined /> {t('knowledge.docCount', { count: base.documentCount })}
        </span>
        <span>
          <ScissorOutlined /> {t('knowledge.chunking', { size: base.chunkSize, overlap: base.chunkOverlap })}
        </span>
      </div>
      <div className="entity-card-foot">
        {embedding ? (
          <Tag color="purple" variant="filled" className="model-tag">
            {embedding.modelId}
          </Tag>
        ) : (
          <Tag variant="filled">{base.embeddingModelId ? t('knowledge.embeddingMissing') : t('knowledge.fullTextOnly')}</Tag>
        )}
        <span className="grow" />
        <span onClick={stop} onKeyDown={stop}>
          <Tooltip title={t('common.edit')}>
            <Button type="text" size="small" icon={<EditOutlined />} onClick={onEdit} aria-label={t('common.edit')} data-testid="kb-edit" />
          </Tooltip>
          <Tooltip title={t('common.delete')}>
            <Button type="text" size="small" danger icon={<DeleteOutlined />} onClick={remove} aria-label={t('common.delete')} data-testid="kb-delete" />
          </Tooltip>
        </span>
      </div>
    </div>
  )
}
