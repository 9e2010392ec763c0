import type { KnowledgeSource } from '@contract/knowledge'
import { Form, Input, Modal, Segmented, Select, Switch, type ButtonProps } from 'antd'
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { createSource, updateSource } from '../../queries/knowledge-sources'
import { useStudio } from '../../stores/hooks'
import { useFeedback } from '../../ui/feedback'
import { emptySource, sourceFieldFor, toFormValues, toSourceInput, type SourceFormValues } from './source-form'

interface Props {
  kbId: string
  open: boolean
  source: KnowledgeSource | null
  kind: SourceFormValues['kind']
  onClose: () => void
}

const tags = { mode: 'tags' as const, open: false, tokenSeparators: [',', '，', ' '] }

function DatabaseFields() {
  const { t } = useTranslation()
  const dbType = Form.useWatch('dbType') as SourceFormValues['dbType'] | undefined
  return (
    <>
      <Form.Item name="dbType" label={t('kb.sources.dbType')}>
        <Segmented
          options={[
            { value: 'sqlite', label: 'SQLite' },
            { value: 'mysql', label: 'MySQL' }
          ]}
        />
      </Form.Item>
      {dbType === 'mysql' ? (
        <Form.Item
          name="dbUrl"
          label={t('kb.sources.dbUrl')}
          rules={[{ required: true, whitespace: true, message: t('kb.sources.required') }]}
          extra={t('kb.sources.dbUrlHint')}
        >
          <Input className="mono" placeholder="mysql://user:password@127.0.0.1:3306/shop" data-testid="source-db-url" />
        </Form.Item>
      ) : (
        <Form.Item
          name="dbPath"
          label={t('kb.sources.dbPath')}
          rules={[{ required: true, whitespace: true, message: t('kb.sources.required') }]}
          extra={t('kb.sources.dbPathHint')}
        >
          <Input className="mono" placeholder="/srv/data/shop.sqlite" data-testid="source-db-path" />
        </Form.Item>
      )}
      <Form.Item
        name="query"
        label={t('kb.sources.query')}
        rules={[{ required: true, whitespace: true, message: t('kb.sources.required') }]}
        extra={t('kb.sources.queryHint')}
      >
        <Input.TextArea className="mono" autoSize={{ minRows: 3, maxRows: 8 }} placeholder="SELECT id, title, body FROM articles" data-testid="source-query" />
      </Form.Item>
      <Form.Item
        name="textColumns"
        label={t('kb.sources.textColumns')}
        rules={[{ required: true, type: 'array', min: 1, message: t('kb.sources.columnsRequired') }]}
        extra={t('kb.sources.tagsHint')}
      >
        <Select {...tags} placeholder="title, body" data-testid="source-text-columns" />
      </Form.Item>
      <div className="form-grid-2">
        <Form.Item name="titleColumn" label={t('kb.sources.titleColumn')}>
          <Input className="mono" placeholder="title" />
        </Form.Item>
        <Form.Item name="idColumn" label={t('kb.sources.idColumn')} extra={t('kb.sources.idHint')}>
          <Input className="mono" placeholder="id" />
        </Form.Item>
      </div>
    </>
  )
}

function ApiFields() {
  const { t } = useTranslation()
  const method = Form.useWatch('method') as SourceFormValues['method'] | undefined
  return (
    <>
      <div className="kb-source-url">
        <Form.Item name="method" label={t('kb.sources.method')}>
          <Select options={['GET', 'POST', 'PUT'].map((m) => ({ value: m, label: m }))} className="kb-method" />
        </Form.Item>
        <Form.Item name="url" label={t('kb.sources.url')} rules={[{ required: true, whitespace: true, message: t('kb.sources.required') }]} className="grow">
          <Input className="mono" placeholder="https://example.com/api/articles" data-testid="source-url" />
        </Form.Item>
      </div>
      <Form.Item name="headersText" label={t('kb.sources.headers')} extra={t('kb.sources.headersHint')}>
        <Input.TextArea className="mono" autoSize={{ minRows: 1, maxRows: 5 }} placeholder={'Authorization: Bearer …'} />
      </Form.Item>
      {method !== 'GET' && (
        <Form.Item name="body" label={t('kb.sources.body')}>
          <Input.TextArea className="mono" autoSize={{ minRows: 2, maxRows: 8 }} placeholder={'{"page": 1}'} />
        </Form.Item>
      )}
      <Form.Item name="itemsPath" label={t('kb.sources.itemsPath')} extra={t('kb.sources.itemsPathHint')}>
        <Input className="mono" placeholder="data.items" data-testid="source-items-path" />
      </Form.Item>
      <Form.Item
        name="fields"
        label={t('kb.sources.fields')}
        rules={[{ required: true, type: 'array', min: 1, message: t('kb.sources.columnsRequired') }]}
        extra={t('kb.sources.tagsHint')}
      >
        <Select {...tags} placeholder="title, content" data-testid="source-fields" />
      </Form.Item>
      <div className="form-grid-2">
        <Form.Item name="titleField" label={t('kb.sources.titleField')}>
          <Input className="mono" placeholder="title" />
        </Form.Item>
        <Form.Item name="idField" label={t('kb.sources.idField')} extra={t('kb.sources.idHint')}>
          <Input className="mono" placeholder="id" />
        </Form.Item>
      </div>
    </>
  )
}

/** Add or change a database or API source of the open knowledge base. */
export function SourceEditor({ kbId, open, source, kind, onClose }: Props) {
  const { t } = useTranslation()
  const studio = useStudio()
  const { fail, ok } = useFeedback()
  const [form] = Form.useForm<SourceFormValues>()
  const [saving, setSaving] = useState(false)
  const shownKind = (Form.useWatch('kind', form) as SourceFormValues['kind'] | undefined) ?? kind

  useEffect(() => {
    if (!open) return
    form.resetFields()
    form.setFieldsValue(source ? toFormValues(source) : { ...emptySource, kind })
  }, [open, source, kind, form])

  const save = async (values: SourceFormValues) => {
    setSaving(true)
    try {
      const input = toSourceInput({ ...emptySource, ...values })
      if (source) await updateSource(studio, kbId, source.id, input)
      else await createSource(studio, kbId, input)
      ok(source ? t('common.saved') : t('kb.sources.created'))
      onClose()
    } catch (err) {
      fail(err, form, sourceFieldFor)
    } finally {
      setSaving(false)
    }
  }

  return (
    <Modal
      open={open}
      title={source ? t('kb.sources.editTitle') : t(`kb.sources.newTitle.${kind}`)}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={source ? t('common.save') : t('common.create')}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      okButtonProps={{ 'data-testid': 'source-save' } as ButtonProps}
      width={640}
      styles={{ body: { maxHeight: '68vh', overflowY: 'auto', paddingRight: 8 } }}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" onFinish={save} initialValues={emptySource} requiredMark="optional" className="modal-form" preserve>
        <Form.Item name="kind" hidden>
          <Input />
        </Form.Item>
        <Form.Item name="name" label={t('kb.sources.name')} rules={[{ required: true, whitespace: true, message: t('kb.sources.required') }]}>
          <Input maxLength={64} showCount data-testid="source-name" />
        </Form.Item>
        {shownKind === 'database' ? <DatabaseFields /> : <ApiFields />}
        <div className="form-grid-2">
          <Form.Item name="schedule" label={t('kb.sources.schedule')} extra={t('kb.sources.scheduleHint')}>
            <Input className="mono" placeholder="0 3 * * *" />
          </Form.Item>
          <Form.Item name="enabled" label={t('kb.sources.enabled')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </div>
      </Form>
    </Modal>
  )
}
