import { UploadOutlined } from '@ant-design/icons'
import type { DigitalHuman, DigitalHumanKind } from '@contract/digital-humans'
import type { Model } from '@contract/entities'
import { Button, Empty, Form, Input, InputNumber, Modal, Segmented, Select, Upload, type ButtonProps } from 'antd'
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useStudio } from '../../stores/hooks'
import { useFeedback } from '../../ui/feedback'
import { useModelOptions } from '../../ui/useModelOptions'
import { LookPicker, PalettePicker } from './AvatarPickers'
import { digitalHumanFieldFor, emptyDigitalHuman, toFormValues, toInput, type DigitalHumanFormValues } from './dh-form'
import { attachModelFile } from './model-upload'
import { VoicePreview } from './VoicePreview'
import { createItem, updateItem, reloadCollection } from '../../queries/collections'

const KINDS: DigitalHumanKind[] = ['builtin', 'glb', 'vrm', 'livetalking']
const modelValue = (m: Model) => m.id

interface Props {
  open: boolean
  item: DigitalHuman | null
  onClose: () => void
}

/** Add or change a digital human: its kind, look, file or service, and voice, with a spoken preview. */
export function DigitalHumanEditor({ open, item, onClose }: Props) {
  const { t } = useTranslation()
  const studio = useStudio()
  const { fail, ok } = useFeedback()
  const [form] = Form.useForm<DigitalHumanFormValues>()
  const [saving, setSaving] = useState(false)
  const [file, setFile] = useState<File | null>(null)
  const ttsGroups = useModelOptions('tts', modelValue)
  const kind = Form.useWatch('kind', form) ?? 'builtin'
  const look = Form.useWatch('look', form) ?? 'guide'
  const palette = Form.useWatch('palette', form) ?? 'blue'
  const name = Form.useWatch('name', form) ?? ''
  const ttsModelId = Form.useWatch('ttsModelId', form)
  const voice = Form.useWatch('voice', form)
  const speed = Form.useWatch('speed', form)

  useEffect(() => {
    if (!open) return
    form.resetFields()
    form.setFieldsValue(item ? toFormValues(item) : emptyDigitalHuman)
    setFile(null)
  }, [open, item, form])

  const save = async (values: DigitalHumanFormValues) => {
    setSaving(true)
    try {
      const input = toInput(values)
      const saved = item ? await updateItem(studio, 'digitalHumans', item.id, input) : await createItem(studio, 'digitalHumans', input)
      if (file && (values.kind === 'glb' || values.kind === 'vrm')) {
        try {
          await attachModelFile(studio.connection, saved.id, file)
          await reloadCollection(studio, 'digitalHumans')
        } catch (err) {
          // Saved without the file: the toast says why; the card shows it has no file yet.
          fail(err)
          onClose()
          return
        }
      }
      ok(item ? t('common.saved') : t('digitalHumans.created'))
      onClose()
    } catch (err) {
      fail(err, form, digitalHumanFieldFor)
    } finally {
      setSaving(false)
    }
  }

  const threeD = kind === 'glb' || kind === 'vrm'
  return (
    <Modal
      open={open}
      title={item ? t('digitalHumans.editTitle', { name: item.name }) : t('digitalHumans.newTitle')}
      onCancel={onClose}
      width={880}
      destroyOnHidden
      okText={item ? t('common.save') : t('common.create')}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      onOk={() => form.submit()}
      okButtonProps={{ 'data-testid': 'dh-save' } as ButtonProps}
    >
      <div className="dh-editor">
        <Form form={form} layout="vertical" onFinish={save} requiredMark={false} className="dh-editor-form">
          <Form.Item name="name" label={t('digitalHumans.name')} rules={[{ required: true, whitespace: true, message: t('digitalHumans.nameRequired') }]}>
            <Input maxLength={64} data-testid="dh-name" />
          </Form.Item>
          <Form.Item name="kind" label={t('digitalHumans.kind')} extra={t(`digitalHumans.kindHelp.${kind}`)}>
            <Segmented options={KINDS.map((k) => ({ value: k, label: <span data-testid={`dh-kind-${k}`}>{t(`digitalHumans.kinds.${k}`)}</span> }))} />
          </Form.Item>
          <Form.Item name="look" label={kind === 'builtin' ? t('digitalHumans.look') : t('digitalHumans.fallbackLook')}>
            <LookPicker palette={palette} />
          </Form.Item>
          <Form.Item name="palette" label={t('digitalHumans.palette')}>
            <PalettePicker look={look} />
          </Form.Item>
          {threeD && (
            <Form.Item label={t('digitalHumans.file')} extra={t('digitalHumans.fileHelp')}>
              <Upload
                accept={kind === 'vrm' ? '.vrm,.glb' : '.glb'}
                maxCount={1}
                beforeUpload={(f) => {
                  setFile(f)
                  return false
                }}
                onRemove={() => setFile(null)}
                fileList={file ? [{ uid: 'new', name: file.name, status: 'done' }] : []}
              >
                <Button icon={<UploadOutlined />} data-testid="dh-file">
                  {t('digitalHumans.chooseFile')}
                </Button>
              </Upload>
              {!file && item?.modelFile && <div className="muted small">{t('digitalHumans.currentFile', { name: item.modelFile.fileName })}</div>}
            </Form.Item>
          )}
          {kind === 'livetalking' && (
            <>
              <Form.Item name="url" label={t('digitalHumans.serviceUrl')} rules={[{ required: true, message: t('digitalHumans.serviceUrlRequired') }]}>
                <Input placeholder="http://192.168.1.20:8010" data-testid="dh-url" />
              </Form.Item>
              <Form.Item name="avatarId" label={t('digitalHumans.avatarId')} tooltip={t('digitalHumans.avatarIdHelp')}>
                <Input maxLength={128} placeholder="wav2lip256_avatar1" data-testid="dh-avatar-id" />
              </Form.Item>
              <Form.Item name="iceServers" label={t('digitalHumans.iceServers')} extra={t('digitalHumans.iceServersHelp')}>
                <Input.TextArea autoSize={{ minRows: 2, maxRows: 5 }} placeholder={'stun:stun.l.google.com:19302\nturn:turn.example.com:3478 user secret'} />
              </Form.Item>
            </>
          )}
          <div className="dh-voice">
            <Form.Item name="ttsModelId" label={t('digitalHumans.ttsModel')} extra={ttsGroups.length === 0 ? t('digitalHumans.noTtsModels') : undefined}>
              <Select
                allowClear
                showSearch
                placeholder={t('digitalHumans.ttsModelDefault')}
                options={ttsGroups}
                optionFilterProp="label"
                notFoundContent={<Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('digitalHumans.noTtsModels')} />}
                data-testid="dh-tts-model"
              />
            </Form.Item>
            <Form.Item name="voice" label={t('digitalHumans.voice')} tooltip={t('digitalHumans.voiceHelp')}>
              <Input maxLength={128} placeholder="alloy" data-testid="dh-voice" />
            </Form.Item>
            <Form.Item name="speed" label={t('digitalHumans.speed')}>
              <InputNumber min={0.25} max={4} step={0.1} placeholder="1.0" className="full-width" data-testid="dh-speed" />
            </Form.Item>
          </div>
        </Form>
        <VoicePreview
          look={look}
          palette={palette}
          name={name}
          voice={{ ttsModelId, voice, speed }}
          model={
            !threeD
              ? null
              : file
                ? { format: kind, file }
                : item?.modelFile && item.kind === kind
                  ? { format: kind, id: item.id, sha256: item.modelFile.sha256 }
                  : null
          }
        />
      </div>
    </Modal>
  )
}
