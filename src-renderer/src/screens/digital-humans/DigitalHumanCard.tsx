import { DeleteOutlined } from '@ant-design/icons'
import type { DigitalHuman } from '@contract/digital-humans'
import { Button, Tag, Tooltip } from 'antd'
import { useTranslation } from 'react-i18next'
import { DigitalHumanAvatar } from '../../../../digitalhuman/avatar/react-avatar'
import { useStudio } from '../../stores/hooks'
import { useDeleteConfirm } from '../../ui/useDeleteConfirm'
import { removeItem } from '../../queries/collections'

const KIND_COLORS = { builtin: 'blue', glb: 'purple', vrm: 'magenta', livetalking: 'green' } as const

/** What stands behind the avatar: the service's address, the file, or the look. */
function detail(d: DigitalHuman, t: (k: string, o?: Record<string, unknown>) => string): string {
  if (d.kind === 'livetalking') return `${d.liveTalking?.url ?? ''}${d.liveTalking?.avatarId ? ` · ${d.liveTalking.avatarId}` : ''}`
  if (d.kind === 'glb' || d.kind === 'vrm') return d.modelFile ? d.modelFile.fileName : t('digitalHumans.noFileYet')
  return `${t(`digitalHumans.looks.${d.look}`)} · ${t(`digitalHumans.palettes.${d.palette}`)}`
}

export function DigitalHumanCard({ item, onEdit }: { item: DigitalHuman; onEdit: () => void }) {
  const { t } = useTranslation()
  const studio = useStudio()
  const confirmDelete = useDeleteConfirm()
  const stop = (e: { stopPropagation(): void }) => e.stopPropagation()
  const voice = [item.voice.voice, item.voice.speed ? `×${item.voice.speed}` : null].filter(Boolean).join(' ')
  return (
    <div className="entity-card dh-card" data-testid="dh-card" role="button" tabIndex={0} onClick={onEdit} onKeyDown={(e) => e.key === 'Enter' && onEdit()}>
      <div className="dh-card-avatar">
        <DigitalHumanAvatar look={item.look} palette={item.palette} label={item.name} />
      </div>
      <div className="entity-card-head">
        <div className="entity-card-title">
          <div className="entity-name" data-testid="dh-card-name">
            {item.name}
          </div>
          <Tooltip title={detail(item, t)}>
            <div className="entity-meta dh-detail">{detail(item, t)}</div>
          </Tooltip>
        </div>
        <span onClick={stop} onKeyDown={stop}>
          <Button
            type="text"
            size="small"
            icon={<DeleteOutlined />}
            aria-label={t('common.delete')}
            data-testid="dh-delete"
            onClick={() =>
              void confirmDelete({
                kind: 'digitalHuman',
                id: item.id,
                title: t('digitalHumans.deleteTitle', { name: item.name }),
                remove: () => removeItem(studio, 'digitalHumans', item.id)
              })
            }
          />
        </span>
      </div>
      <div className="entity-card-foot">
        <Tag color={KIND_COLORS[item.kind]} variant="filled">
          {t(`digitalHumans.kinds.${item.kind}`)}
        </Tag>
        <Tag variant="filled">{voice || t('digitalHumans.defaultVoice')}</Tag>
      </div>
    </div>
  )
}
