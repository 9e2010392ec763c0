import type { Tool } from '@contract/entities'
import { Alert, Button, ColorPicker, Form, Input, Modal, Segmented, Switch, type ButtonProps } from 'antd'
import { ApiOutlined } from '@ant-design/icons'
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useStudio } from '../../stores/hooks'
import { EmojiPicker } from '../../ui/EmojiPicker'
import { useFeedback } from '../../ui/feedback'
import { translateMessage } from '../../api/errors'
import { emptyTool, parseEnv, toFormValues, toInput, toolFieldFor, type ToolFormValues, type Transport } from './tool-form'
import { createItem, updateItem } from '../../queries/collections'

interface Props {
  open: boolean
  tool: Tool | null
  onClose: () => void
}

const TRANSPORTS: Transport[] = ['stdio', 'sse', 'streamable-http']

export function ToolEditor({ open, tool, onClose }: Props) {
  const { t } = useTranslation()
  const studio = useStudio()
  const { fail, ok } = useFeedback()
  const [form] = Form.useForm<ToolFormValues>()
  const [saving, setSaving] = useState(false)
  const [testing, setTesting] = useState(false)
  const [tested, setTested] = useState<{ ok: boolean; text: string } | null>(null)
  const transport = Form.useWatch('transport', form) ?? 'stdio'
  const color = Form.useWatch('color', form)

  useEffect(() => {
    if (!open) return
    form.resetFields()
    form.setFieldsValue(tool ? toFormValues(tool) : emptyTool)
    setTested(null)
  }, [open, tool, form])

  /** Tries the configuration as it is in the form, saved or not: the tool list, or the exact reason. */
  const test = async () => {
    let values: ToolFormValues
    try {
      values = await form.validateFields()
    } catch {
      return
    }
    setTesting(true)
    setTested(null)
    try {
      const r = await studio.connection.api.call('tools.testConfig', { config: toInput(values).config, ...(tool && { toolId: tool.id }) })
      setTested(
        r.ok
          ? { ok: true, text: t('tools.testOk', { ms: r.latencyMs, names: r.tools.map((x) => x.name).join(', ') }) }
          : { ok: false, text: t('tools.testFailed', { error: translateMessage({ reason: r.reason, params: r.params, message: r.error ?? '' }) }) }
      )
    } catch (err) {
      fail(err, form, toolFieldFor)
    } finally {
      setTesting(false)
    }
  }

  const save = async (values: ToolFormValues) => {
    setSaving(true)
    try {
      const input = toInput(values)
      if (tool) await updateItem(studio, 'tools', tool.id, input)
      else await createItem(studio, 'tools', input)
      ok(tool ? t('common.saved') : t('tools.created'))
      onClose()
    } catch (err) {
      fail(err, form, toolFieldFor)
    } finally {
      setSaving(false)
    }
  }

  const envRule = {
    validator: async (_: unknown, text: string | undefined) => {
      const env = parseEnv(text)
      if (typeof env === 'string') throw new Error(t('tools.envInvalid', { line: env }))
    }
  }

  return (
    <Modal
      open={open}
      title={tool ? t('tools.editTitle') : t('tools.newTitle')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={tool ? t('common.save') : t('common.create')}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      okButtonProps={{ 'data-testid': 'tool-save' } as ButtonProps}
      width={600}
      styles={{ body: { maxHeight: '68vh', overflowY: 'auto', paddingRight: 8 } }}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" onFinish={save} initialValues={emptyTool} requiredMark="optional" className="modal-form">
        <div className="form-row-avatar">
          <Form.Item name="icon" noStyle>
            <EmojiPicker color={color} />
          </Form.Item>
          <Form.Item name="name" label={t('tools.name')} rules={[{ required: true, whitespace: true, message: t('tools.nameRequired') }]} className="grow">
            <Input maxLength={25} showCount placeholder={t('tools.namePlaceholder')} data-testid="tool-name-input" />
          </Form.Item>
          <Form.Item name="color" label={t('tools.color')} getValueFromEvent={(c: { toHexString(): string }) => c.toHexString()}>
            <ColorPicker disabledAlpha />
          </Form.Item>
        </div>
        <Form.Item name="remark" label={t('tools.remark')}>
          <Input.TextArea maxLength={500} showCount autoSize={{ minRows: 2, maxRows: 4 }} placeholder={t('tools.remarkPlaceholder')} />
        </Form.Item>
        <Form.Item name="transport" label={t('tools.transportLabel')}>
          <Segmented block options={TRANSPORTS.map((x) => ({ value: x, label: <span data-testid={`transport-${x}`}>{t(`tools.transport.${x}`)}</span> }))} />
        </Form.Item>
        {transport === 'stdio' ? (
          <>
            <Form.Item
              name="command"
              label={t('tools.command')}
              rules={[{ required: true, whitespace: true, message: t('tools.commandRequired') }]}
              extra={t('tools.commandHint')}
            >
              <Input className="mono" placeholder="npx" data-testid="tool-command" />
            </Form.Item>
            <Form.Item name="argsText" label={t('tools.args')} extra={t('tools.argsHint')}>
              <Input.TextArea
                className="mono"
                autoSize={{ minRows: 2, maxRows: 6 }}
                placeholder={'-y\n@modelcontextprotocol/server-filesystem\n/home/me/docs'}
                data-testid="tool-args"
              />
            </Form.Item>
            <Form.Item name="envText" label={t('tools.env')} extra={t('tools.envHint')} rules={[envRule]}>
              <Input.TextArea className="mono" autoSize={{ minRows: 2, maxRows: 6 }} placeholder={'API_KEY=…\nLOG_LEVEL=info'} data-testid="tool-env" />
            </Form.Item>
          </>
        ) : (
          <>
            <Form.Item name="url" label={t('tools.url')} rules={[{ required: true, whitespace: true, message: t('tools.urlRequired') }]}>
              <Input className="mono" placeholder={transport === 'sse' ? 'http://127.0.0.1:8000/sse' : 'http://127.0.0.1:8000/mcp'} data-testid="tool-url" />
            </Form.Item>
            <Form.Item name="headersText" label={t('tools.headers')} extra={t('tools.headersHint')}>
              <Input.TextArea
                className="mono"
                autoSize={{ minRows: 2, maxRows: 6 }}
                placeholder={'Authorization:Bearer …\nX-Tenant:demo'}
                data-testid="tool-headers"
              />
            </Form.Item>
          </>
        )}
        <Button icon={<ApiOutlined />} loading={testing} onClick={() => void test()} data-testid="tool-test">
          {t('tools.test')}
        </Button>
        {tested && <Alert className="tool-test-result" type={tested.ok ? 'success' : 'error'} showIcon title={tested.text} data-testid="tool-test-result" />}
        <div className="form-grid-2">
          <Form.Item name="category" label={t('tools.category')}>
            <Input maxLength={32} placeholder="general" />
          </Form.Item>
          <Form.Item name="enabled" label={t('tools.enabled')} valuePropName="checked">
            <Switch data-testid="tool-enabled" />
          </Form.Item>
        </div>
      </Form>
    </Modal>
  )
}
