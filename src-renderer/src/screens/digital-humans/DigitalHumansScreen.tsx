import { PlusOutlined } from '@ant-design/icons'
import type { DigitalHuman } from '@contract/digital-humans'
import { Button, Skeleton } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { CreateCard } from '../../ui/CreateCard'
import { useErrorToast } from '../../ui/feedback'
import { PageHeader } from '../../ui/PageHeader'
import { DigitalHumanCard } from './DigitalHumanCard'
import { DigitalHumanEditor } from './DigitalHumanEditor'
import './digital-humans.css'
import { useCollection } from '../../queries/collections'

/** The digital humans registry: avatars (built-in looks, GLB/VRM files, LiveTalking) that agents pick, each with a voice. */
export function DigitalHumansScreen() {
  const { t } = useTranslation()
  const { items, loaded, error } = useCollection('digitalHumans')
  const [editing, setEditing] = useState<DigitalHuman | 'new' | null>(null)
  useErrorToast(error)

  // The open entry follows the store (an upload or another window may change it).
  const open = editing === 'new' || editing === null ? editing : (items.find((i) => i.id === editing.id) ?? editing)
  return (
    <div className="page">
      <PageHeader
        title={t('nav.digitalHumans')}
        subtitle={t('digitalHumans.subtitle', { count: items.length })}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="dh-new">
            {t('digitalHumans.new')}
          </Button>
        }
      />
      {!loaded ? (
        <Skeleton active />
      ) : (
        <div className="card-grid" data-testid="dh-grid">
          <CreateCard title={t('digitalHumans.createTitle')} hint={t('digitalHumans.createHint')} onClick={() => setEditing('new')} />
          {items.map((d) => (
            <DigitalHumanCard key={d.id} item={d} onEdit={() => setEditing(d)} />
          ))}
        </div>
      )}
      <DigitalHumanEditor open={open !== null} item={open === 'new' ? null : open} onClose={() => setEditing(null)} />
    </div>
  )
}
