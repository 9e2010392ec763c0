import { CloudDownloadOutlined, DeleteOutlined, HistoryOutlined, SaveOutlined, UploadOutlined } from '@ant-design/icons'
import type { BackupFile, BackupProgress, RestoreOutcome, StagedRestore } from '@contract/backup'
import { Alert, Button, Descriptions, List, Modal, Progress, Spin, Typography, type ButtonProps } from 'antd'
import { useCallback, useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { toApiError } from '../../api/errors'
import { uploadBackup } from '../../api/backup-upload'
import { pathForFile } from '../../api/upload'
import { useStudio } from '../../stores/hooks'
import { useFeedback } from '../../ui/feedback'
import { useFormatDate } from '../../ui/format'
import { formatBytes } from '../../ui/units'
import { SettingCard, SettingRow } from './SettingRow'
import './backup.css'
import { useAppInfo } from '../../queries/settings'

const REASONS = ['not_a_backup', 'damaged', 'newer_format', 'newer_database', 'database_damaged'] as const

/** Back up the whole data folder to one file, and restore one (checked first, confirmed, then the core restarts). */
export function BackupSection() {
  const { t } = useTranslation()
  const studio = useStudio()
  const { api, events, host } = studio.connection
  const info = useAppInfo()
  const { fail, ok } = useFeedback()
  const formatDate = useFormatDate()
  const [files, setFiles] = useState<BackupFile[]>([])
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null)
  const [upload, setUpload] = useState<number | null>(null)
  const [checking, setChecking] = useState(false)
  const [staged, setStaged] = useState<StagedRestore | null>(null)
  const [restarting, setRestarting] = useState(false)
  const [outcome, setOutcome] = useState<RestoreOutcome | null>(null)
  const input = useRef<HTMLInputElement>(null)

  const load = useCallback(() => {
    api.call('backups.list', {}).then(setFiles, () => undefined)
  }, [api])
  useEffect(() => {
    load()
    // The outcome of a restore is news for a while after the restart it needed.
    api.call('backups.lastRestore', {}).then(
      (o) => setOutcome(o && Date.now() - o.at < 3_600_000 ? o : null),
      () => undefined
    )
    return events((name, payload) => {
      if (name !== 'backup.progress') return
      const p = payload as BackupProgress
      if (p.phase === 'database' || p.phase === 'files') setProgress({ done: p.done, total: p.total })
    })
  }, [api, events, load])

  /** A refused archive says why in the UI's language; other failures keep the server's words. */
  const refused = (err: unknown) => {
    const e = toApiError(err)
    const reason = (e.details as { reason?: string } | undefined)?.reason
    if (reason && (REASONS as readonly string[]).includes(reason)) fail(new Error(t(`backup.refused.${reason}`)))
    else fail(e)
  }

  const backUp = async () => {
    setProgress({ done: 0, total: 0 })
    try {
      const file = await api.call('backups.create', {})
      ok(t('backup.made', { name: file.name }))
      load()
    } catch (err) {
      fail(err)
    } finally {
      setProgress(null)
    }
  }

  const check = async (ref: { name: string } | { path: string }) => {
    setChecking(true)
    try {
      setStaged(await api.call('backups.inspect', ref))
    } catch (err) {
      refused(err)
    } finally {
      setChecking(false)
    }
  }

  const fromFile = async (file: File) => {
    // The desktop app reads the file where it is; a browser sends it to the server.
    const path = host === 'electron' ? pathForFile(file) : undefined
    if (path) return check({ path })
    setUpload(0)
    try {
      setStaged(await uploadBackup(file, (sent, total) => setUpload(total ? Math.round((sent / total) * 100) : 0)))
      load()
    } catch (err) {
      refused(err)
    } finally {
      setUpload(null)
    }
  }

  const restore = async () => {
    if (!staged) return
    // Shown at once: applying a large backup takes a while before the core restarts.
    setRestarting(true)
    try {
      await api.call('backups.restore', { stageId: staged.stageId })
    } catch (err) {
      setRestarting(false)
      return fail(err)
    }
    setStaged(null)
    // The core restarts on the restored data (the desktop app starts again by itself): wait until
    // it answers, then load the studio afresh.
    for (;;) {
      await new Promise((r) => setTimeout(r, 1000))
      try {
        await api.call('app.info', {})
        break
      } catch {
        // still restarting
      }
    }
    window.location.reload()
  }

  const remove = async (name: string) => {
    try {
      await api.call('backups.delete', { name })
      load()
    } catch (err) {
      fail(err)
    }
  }

  if (info?.dbKind === 'mysql') {
    return (
      <SettingCard title={t('backup.title')} icon={<SaveOutlined />} testId="settings-backup">
        <Alert type="info" showIcon title={t('backup.mysql')} className="setting-alert" />
      </SettingCard>
    )
  }
  const pct = progress && progress.total ? Math.round((progress.done / progress.total) * 100) : 0
  return (
    <SettingCard title={t('backup.title')} icon={<SaveOutlined />} testId="settings-backup">
      {outcome && (
        <Alert
          type={outcome.ok ? 'success' : 'error'}
          showIcon
          className="setting-alert"
          data-testid="backup-outcome"
          title={
            outcome.ok
              ? t('backup.restored', { date: outcome.manifest ? formatDate(outcome.manifest.createdAt) : '' })
              : t('backup.restoreUndone', { error: outcome.error ?? '' })
          }
          description={outcome.ok && outcome.previousDir ? t('backup.previousKept', { dir: outcome.previousDir }) : undefined}
          closable
          onClose={() => setOutcome(null)}
        />
      )}
      <Alert type="warning" showIcon className="setting-alert" title={t('backup.keyWarning')} />
      <SettingRow label={t('backup.now')} help={t('backup.nowHelp')}>
        <div className="backup-stack">
          <Button type="primary" icon={<SaveOutlined />} loading={!!progress} onClick={() => void backUp()} data-testid="backup-create">
            {t('backup.create')}
          </Button>
          {progress && <Progress percent={pct} size="small" data-testid="backup-progress" />}
        </div>
      </SettingRow>
      <SettingRow label={t('backup.restoreFrom')} help={t('backup.restoreHelp')}>
        <div className="backup-stack">
          <Button icon={<UploadOutlined />} loading={checking || upload !== null} onClick={() => input.current?.click()} data-testid="backup-restore-file">
            {t('backup.chooseFile')}
          </Button>
          {upload !== null && <Progress percent={upload} size="small" data-testid="backup-upload-progress" />}
          <input
            ref={input}
            type="file"
            accept=".gz,.tgz,application/gzip"
            hidden
            data-testid="backup-file-input"
            onChange={(e) => {
              const file = e.target.files?.[0]
              e.target.value = ''
              if (file) void fromFile(file)
            }}
          />
        </div>
      </SettingRow>
      <List
        size="small"
        data-testid="backup-list"
        locale={{ emptyText: t('backup.none') }}
        header={<span className="muted">{host === 'electron' && info ? t('backup.folder', { dir: `${info.dataDir}/backups` }) : t('backup.list')}</span>}
        dataSource={files}
        renderItem={(f) => (
          <List.Item
            data-testid={`backup-${f.name}`}
            actions={[
              host === 'browser' && (
                <Typography.Link key="dl" href={`/api/backups/${encodeURIComponent(f.name)}/file`} download={f.name} data-testid="backup-download">
                  <CloudDownloadOutlined /> {t('backup.download')}
                </Typography.Link>
              ),
              <Typography.Link key="restore" onClick={() => void check({ name: f.name })} data-testid="backup-restore">
                <HistoryOutlined /> {t('backup.restore')}
              </Typography.Link>,
              <Typography.Link key="del" type="danger" onClick={() => void remove(f.name)} aria-label={t('backup.delete')}>
                <DeleteOutlined />
              </Typography.Link>
            ].filter(Boolean)}
          >
            <List.Item.Meta title={<span className="mono">{f.name}</span>} description={`${formatDate(f.createdAt)} · ${formatBytes(f.bytes)}`} />
          </List.Item>
        )}
      />
      <Modal
        open={!!staged}
        title={t('backup.confirmTitle')}
        okText={t('backup.confirmOk')}
        okButtonProps={{ danger: true, 'data-testid': 'backup-confirm' } as ButtonProps}
        cancelText={t('common.cancel')}
        onOk={() => void restore()}
        onCancel={() => setStaged(null)}
        destroyOnHidden
      >
        {staged && (
          <div data-testid="backup-staged">
            <p>{t('backup.confirmText')}</p>
            <Descriptions size="small" column={1} bordered>
              <Descriptions.Item label={t('backup.made_at')}>{formatDate(staged.manifest.createdAt)}</Descriptions.Item>
              <Descriptions.Item label={t('backup.version')}>{staged.manifest.appVersion}</Descriptions.Item>
              <Descriptions.Item label={t('backup.contents')}>
                {t('backup.counts', {
                  agents: staged.manifest.counts.agents,
                  sessions: staged.manifest.counts.sessions,
                  kbs: staged.manifest.counts.knowledgeBases,
                  docs: staged.manifest.counts.documents
                })}
              </Descriptions.Item>
              <Descriptions.Item label={t('backup.size')}>{formatBytes(staged.bytes)}</Descriptions.Item>
            </Descriptions>
            {staged.warnings.includes('keychain') && <Alert type="warning" showIcon className="setting-alert" title={t('backup.keychain')} />}
          </div>
        )}
      </Modal>
      <Modal open={restarting} footer={null} closable={false} maskClosable={false} keyboard={false}>
        <div className="backup-restarting" data-testid="backup-restarting">
          <Spin /> {t('backup.restarting')}
        </div>
      </Modal>
    </SettingCard>
  )
}
