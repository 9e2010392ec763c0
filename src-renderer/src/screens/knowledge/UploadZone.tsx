import { FileAddOutlined, FolderAddOutlined, FolderOpenOutlined, InboxOutlined } from '@ant-design/icons'
import { Alert, App, Button, Input, Space, Upload, type UploadProps } from 'antd'
import { useCallback, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { translateMessage } from '../../api/errors'
import { canResolvePaths } from '../../api/upload'
import { addPaths } from '../../queries/knowledge'
import { useStudio } from '../../stores/hooks'
import { useFeedback } from '../../ui/feedback'
import { lines } from '../../ui/format'
import { isHidden, isSupported, SUPPORTED_EXTENSIONS } from './supported'

/**
 * antd calls beforeUpload once per file with the whole batch: the batch is taken on its first
 * file, and every file is kept out of antd's own list and requests (`useUploads` sends them).
 */
function useBatch(onBatch: (files: File[]) => void): UploadProps['beforeUpload'] {
  return useCallback<NonNullable<UploadProps['beforeUpload']>>(
    (file, batch) => {
      if (file === batch[0]) onBatch(batch as unknown as File[])
      return Upload.LIST_IGNORE
    },
    [onBatch]
  )
}

/** Drop files and folders, pick them, or name paths on the machine that runs the core. */
export function UploadZone({ kbId, upload }: { kbId: string; upload: (files: File[]) => Promise<void> }) {
  const { t } = useTranslation()
  const studio = useStudio()
  const { message } = App.useApp()
  const { fail, ok } = useFeedback()
  const electron = studio.connection.host === 'electron'
  const dropWorks = !electron || canResolvePaths()
  const [paths, setPaths] = useState('')
  const [adding, setAdding] = useState(false)

  const take = useCallback(
    (files: File[]) => {
      const visible = files.filter((f) => !isHidden(f))
      const wanted = visible.filter((f) => isSupported(f.name))
      const skipped = visible.filter((f) => !isSupported(f.name))
      if (skipped.length)
        void message.warning(
          t('kb.upload.skipped', {
            count: skipped.length,
            names: skipped
              .slice(0, 3)
              .map((f) => f.name)
              .join(', ')
          })
        )
      if (wanted.length) void upload(wanted)
    },
    [upload, message, t]
  )
  const beforeUpload = useBatch(take)

  const addTyped = async () => {
    const list = lines(paths)
    if (!list.length) return
    setAdding(true)
    try {
      const r = await addPaths(studio, kbId, list)
      ok(t('kb.upload.pathsAdded', { added: r.added, updated: r.updated, unchanged: r.unchanged }))
      if (r.skippedCount)
        void message.warning(
          t('kb.upload.pathsSkipped', {
            count: r.skippedCount,
            reasons: r.skipped
              .slice(0, 3)
              .map((s) => translateMessage({ reason: s.code, params: s.params, message: `${s.path}: ${s.reason}` }, t))
              .join('; ')
          })
        )
      setPaths('')
    } catch (err) {
      fail(err)
    } finally {
      setAdding(false)
    }
  }

  return (
    <div className="kb-upload">
      <Upload.Dragger
        multiple
        directory
        openFileDialogOnClick={false}
        showUploadList={false}
        beforeUpload={beforeUpload}
        disabled={!dropWorks}
        data-testid="kb-dropzone"
      >
        <p className="ant-upload-drag-icon">
          <InboxOutlined />
        </p>
        <p className="ant-upload-text">{t('kb.upload.drop')}</p>
        <p className="ant-upload-hint">{t('kb.upload.hint', { types: SUPPORTED_EXTENSIONS.join(' ') })}</p>
      </Upload.Dragger>
      {!dropWorks && <Alert type="info" showIcon className="kb-upload-note" title={t('kb.upload.desktopNoDrop')} />}
      <div className="kb-upload-actions">
        <Space wrap>
          <Upload multiple showUploadList={false} beforeUpload={beforeUpload} accept={SUPPORTED_EXTENSIONS.join(',')} disabled={!dropWorks}>
            <Button icon={<FileAddOutlined />} data-testid="kb-pick-files">
              {t('kb.upload.pickFiles')}
            </Button>
          </Upload>
          <Upload directory showUploadList={false} beforeUpload={beforeUpload} disabled={!dropWorks}>
            <Button icon={<FolderAddOutlined />} data-testid="kb-pick-folder">
              {t('kb.upload.pickFolder')}
            </Button>
          </Upload>
        </Space>
        <Space.Compact className="kb-paths">
          <Input.TextArea
            value={paths}
            onChange={(e) => setPaths(e.target.value)}
            autoSize={{ minRows: 1, maxRows: 4 }}
            placeholder={electron ? t('kb.upload.pathsPlaceholderDesktop') : t('kb.upload.pathsPlaceholderServer')}
            className="mono"
            data-testid="kb-paths"
          />
          <Button icon={<FolderOpenOutlined />} onClick={() => void addTyped()} loading={adding} disabled={!lines(paths).length} data-testid="kb-add-paths">
            {t('kb.upload.addPaths')}
          </Button>
        </Space.Compact>
      </div>
    </div>
  )
}
