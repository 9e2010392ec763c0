import { DeleteOutlined, PlusOutlined, SyncOutlined } from '@ant-design/icons'
import { ModelType, type Model, type Provider, type ProviderKind, type SuggestedModel } from '@contract/entities'
import { Button, Empty, Form, Input, Popover, Select, Tag } from 'antd'
import { useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useStudio } from '../../stores/hooks'
import { useErrorToast, useFeedback } from '../../ui/feedback'
import { useDeleteConfirm } from '../../ui/useDeleteConfirm'
import { addModel, refreshModels, removeModel, setModelType, useModels, usePresets } from '../../queries/models'

const TYPES = ModelType.options
const TYPE_COLORS: Record<ModelType, string> = { chat: 'blue', embedding: 'purple', rerank: 'cyan', tts: 'orange', stt: 'gold' }

export function ModelList({ provider }: { provider: Provider }) {
  const { t } = useTranslation()
  const studio = useStudio()
  const { fail, ok } = useFeedback()
  const all = useModels().models
  const [refreshing, setRefreshing] = useState(false)
  const models = useMemo(() => all.filter((m) => m.providerId === provider.id), [all, provider.id])
  const groups = TYPES.map((type) => ({ type, models: models.filter((m) => m.type === type) })).filter((g) => g.models.length)

  const refresh = async () => {
    setRefreshing(true)
    try {
      const r = await refreshModels(studio, provider.id)
      ok(t('models.refreshed', { added: r.added, removed: r.removed }))
    } catch (err) {
      fail(err)
    } finally {
      setRefreshing(false)
    }
  }

  return (
    <div className="detail-section">
      <div className="section-title-row">
        <div className="section-title">
          {t('models.models')} <span className="muted">· {t('models.modelCount', { count: models.length })}</span>
        </div>
        <div className="section-actions">
          <Button icon={<SyncOutlined spin={refreshing} />} disabled={refreshing} onClick={() => void refresh()} data-testid="models-refresh">
            {t('models.refresh')}
          </Button>
          <AddModel providerId={provider.id} kind={provider.kind} have={models} />
        </div>
      </div>
      {groups.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('models.noModels')} />
      ) : (
        <div className="model-groups" data-testid="model-groups">
          {groups.map((g) => (
            <div key={g.type} className="model-group">
              <div className="model-group-title">
                <Tag color={TYPE_COLORS[g.type]} variant="filled">
                  {t(`models.type.${g.type}`)}
                </Tag>
                <span className="muted">{g.models.length}</span>
              </div>
              {g.models.map((m) => (
                <ModelRow key={m.id} model={m} />
              ))}
            </div>
          ))}
        </div>
      )}
    </div>
  )
}

function ModelRow({ model }: { model: Model }) {
  const { t } = useTranslation()
  const studio = useStudio()
  const { fail } = useFeedback()
  const setType = (type: ModelType) => setModelType(studio, model.id, type).catch((err) => fail(err))
  const confirmDelete = useDeleteConfirm()
  const remove = () =>
    void confirmDelete({
      kind: 'model',
      id: model.id,
      title: t('models.deleteModel'),
      remove: () => removeModel(studio, model.id)
    })
  return (
    <div className="model-row" data-testid="model-row">
      <span className="mono model-id">{model.modelId}</span>
      <Select
        size="small"
        value={model.type}
        onChange={setType}
        options={TYPES.map((type) => ({ value: type, label: t(`models.type.${type}`) }))}
        className="model-type"
        aria-label={t('models.modelType')}
        popupMatchSelectWidth={false}
      />
      <Button type="text" size="small" icon={<DeleteOutlined />} aria-label={t('common.delete')} onClick={remove} data-testid="model-delete" />
    </div>
  )
}

/**
 * A model the provider's /models does not list (common with local servers, and with speech models:
 * the preset's suggestions are one click each).
 */
function AddModel({ providerId, kind, have }: { providerId: string; kind: ProviderKind; have: Model[] }) {
  const { t } = useTranslation()
  const studio = useStudio()
  const { fail, ok } = useFeedback()
  const [open, setOpen] = useState(false)
  const [form] = Form.useForm<{ modelId: string; type: ModelType }>()
  const { presets, error } = usePresets({ enabled: open })
  useErrorToast(error)
  const suggested = (presets.find((p) => p.kind === kind)?.speechModels ?? []).filter((s) => !have.some((m) => m.modelId === s.modelId))
  const addSuggested = async (s: SuggestedModel) => {
    try {
      await addModel(studio, { providerId, modelId: s.modelId, type: s.type })
      ok(t('models.modelAdded'))
    } catch (err) {
      fail(err)
    }
  }
  const save = async (v: { modelId: string; type: ModelType }) => {
    try {
      await addModel(studio, { providerId, ...v })
      ok(t('models.modelAdded'))
      form.resetFields()
      setOpen(false)
    } catch (err) {
      fail(err, form)
    }
  }
  const speech = suggested.length > 0 && (
    <div className="suggested-models" data-testid="suggested-speech-models">
      <div className="muted">{t('models.suggestedSpeech')}</div>
      {suggested.map((s) => (
        <Tag key={s.modelId} color={TYPE_COLORS[s.type]} className="suggested-model" onClick={() => void addSuggested(s)} data-testid="suggested-model">
          <PlusOutlined /> {s.modelId} · {t(`models.type.${s.type}`)}
        </Tag>
      ))}
      {kind === 'doubao' && <div className="muted">{t('models.volcengineSpeechKey')}</div>}
    </div>
  )
  const content = (
    <Form form={form} layout="vertical" onFinish={save} initialValues={{ type: 'chat' }} className="add-model-form" requiredMark={false}>
      {speech}
      <Form.Item name="modelId" label={t('models.modelId')} rules={[{ required: true, whitespace: true, message: t('models.modelIdRequired') }]}>
        <Input className="mono" placeholder="qwen2.5:7b" autoFocus />
      </Form.Item>
      <Form.Item name="type" label={t('models.modelType')}>
        <Select options={TYPES.map((type) => ({ value: type, label: t(`models.type.${type}`) }))} />
      </Form.Item>
      <Button type="primary" htmlType="submit" block>
        {t('common.add')}
      </Button>
    </Form>
  )
  return (
    <Popover content={content} title={t('models.addModel')} trigger="click" open={open} onOpenChange={setOpen} placement="bottomRight">
      <Button icon={<PlusOutlined />}>{t('models.addModel')}</Button>
    </Popover>
  )
}
