import { DeleteOutlined } from '@ant-design/icons'
import type { Provider } from '@contract/entities'
import { App, Button, Switch, Tag, type ButtonProps } from 'antd'
import { useTranslation } from 'react-i18next'
import { useStudio } from '../../stores/hooks'
import { useFeedback } from '../../ui/feedback'
import { ConnectionTest } from './ConnectionTest'
import { ModelList } from './ModelList'
import { ProviderForm } from './ProviderForm'
import { ProviderMark } from './ProviderMark'
import { updateItem, removeItem } from '../../queries/collections'

export function ProviderDetail({ provider }: { provider: Provider }) {
  const { t } = useTranslation()
  const studio = useStudio()
  const { modal } = App.useApp()
  const { fail, ok } = useFeedback()

  const toggle = (enabled: boolean) => updateItem(studio, 'providers', provider.id, { enabled }).catch((err) => fail(err))
  const remove = () =>
    modal.confirm({
      title: t('models.deleteTitle', { name: provider.name }),
      content: t('models.deleteBody'),
      okText: t('common.delete'),
      okButtonProps: { danger: true, 'data-testid': 'confirm-delete' } as ButtonProps,
      cancelText: t('common.cancel'),
      onOk: () =>
        removeItem(studio, 'providers', provider.id)
          .then(() => ok(t('common.deleted')))
          .catch((err) => fail(err))
    })

  return (
    <div className="provider-detail" data-testid="provider-detail">
      <div className="detail-head">
        <ProviderMark kind={provider.kind} name={provider.name} size={36} />
        <div className="detail-title">
          <h2>{provider.name}</h2>
          <div className="detail-tags">
            <Tag variant="filled">{provider.kind}</Tag>
            {provider.hasApiKey ? (
              <Tag color="green" variant="filled" className="mono" data-testid="provider-detail-key">
                {t('models.keySaved', { hint: provider.apiKeyHint })}
              </Tag>
            ) : (
              <Tag variant="filled">{t('models.noKey')}</Tag>
            )}
          </div>
        </div>
        <div className="detail-actions">
          <Switch checked={provider.enabled} onChange={toggle} checkedChildren={t('models.on')} unCheckedChildren={t('models.off')} />
          <Button danger type="text" icon={<DeleteOutlined />} onClick={remove} data-testid="provider-delete">
            {t('common.delete')}
          </Button>
        </div>
      </div>
      <ProviderForm provider={provider} />
      <ConnectionTest provider={provider} />
      <ModelList provider={provider} />
    </div>
  )
}
