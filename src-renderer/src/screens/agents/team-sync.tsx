import { CloudDownloadOutlined, CloudUploadOutlined } from '@ant-design/icons'
import type { ApiOutput } from '@contract/api'
import type { Agent } from '@contract/entities'
import type { OnConflict, SyncDifference } from '@contract/team-sync'
import { App, Button, Empty, List, Modal, Space, Table, Tag } from 'antd'
import { useCallback, useState, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { toApiError } from '../../api/errors'
import { routeTo } from '../../shell/route'
import { useStudio } from '../../stores/hooks'
import { EmojiAvatar } from '../../ui/EmojiAvatar'
import { useFeedback } from '../../ui/feedback'
import { useTeamLink } from '../../queries/team-link'

type Imported = ApiOutput<'agents.push'>
type Direction = 'push' | 'pull'
interface Conflict {
  direction: Direction
  name: string
  differences: SyncDifference[]
  resolve(onConflict: OnConflict): void
}

const show = (v: unknown, empty: string): string => {
  if (v === null || v === undefined || v === '' || (Array.isArray(v) && !v.length)) return empty
  return typeof v === 'string' ? v : JSON.stringify(v, null, 2)
}

/** The differing fields side by side: the team server's on the left, this computer's on the right; nothing is written until a choice. */
export function ConflictDialog({ conflict, onClose }: { conflict: Conflict | null; onClose: () => void }) {
  const { t } = useTranslation()
  if (!conflict) return null
  const push = conflict.direction === 'push'
  const choose = (c: OnConflict) => {
    onClose()
    conflict.resolve(c)
  }
  const cell = (v: unknown) => <pre className="team-sync-value">{show(v, t('teamSync.empty'))}</pre>
  return (
    <Modal
      open
      width={760}
      title={t('teamSync.conflictTitle', { name: conflict.name })}
      onCancel={onClose}
      footer={
        <Space wrap>
          <Button onClick={onClose} data-testid="conflict-keep">
            {push ? t('teamSync.keepTheirs') : t('teamSync.keepMine')}
          </Button>
          <Button onClick={() => choose('copy')} data-testid="conflict-copy">
            {t('teamSync.saveCopy')}
          </Button>
          <Button danger type="primary" onClick={() => choose('overwrite')} data-testid="conflict-overwrite">
            {push ? t('teamSync.overwriteTheirs') : t('teamSync.replaceMine')}
          </Button>
        </Space>
      }
    >
      <p>{push ? t('teamSync.conflictPushIntro') : t('teamSync.conflictPullIntro')}</p>
      <Table
        data-testid="conflict-table"
        size="small"
        pagination={false}
        rowKey="field"
        dataSource={conflict.differences}
        columns={[
          { title: t('teamSync.field'), dataIndex: 'field', width: 140, render: (f: string) => t(`teamSync.fields.${f}`, { defaultValue: f }) },
          { title: t('teamSync.teamValue'), dataIndex: 'theirs', render: cell },
          { title: t('teamSync.localValue'), dataIndex: 'ours', render: cell }
        ]}
      />
    </Modal>
  )
}

function PullDialog({ open, onClose, onPull }: { open: boolean; onClose: () => void; onPull: (remote: ApiOutput<'agents.remote'>[number]) => void }) {
  const { t } = useTranslation()
  const { api } = useStudio().connection
  const { fail } = useFeedback()
  const [state, setState] = useState<{ url: string; agents: ApiOutput<'agents.remote'> } | null>(null)
  const load = useCallback(async () => {
    setState(null)
    try {
      const [link, agents] = await Promise.all([api.call('teamLink.get', {}), api.call('agents.remote', {})])
      setState({ url: link.url ?? '', agents })
    } catch (err) {
      onClose()
      fail(err)
    }
  }, [api, fail, onClose])
  return (
    <Modal
      open={open}
      title={t('teamSync.pullTitle', { url: state?.url ?? '…' })}
      onCancel={onClose}
      footer={null}
      afterOpenChange={(o) => o && void load()}
      destroyOnHidden
    >
      {state && !state.agents.length ? (
        <Empty description={t('teamSync.pullEmpty')} />
      ) : (
        <List
          loading={!state}
          data-testid="pull-list"
          dataSource={state?.agents ?? []}
          renderItem={(a) => (
            <List.Item
              actions={[
                <Button key="pull" size="small" data-testid="pull-agent" onClick={() => onPull(a)}>
                  {t('teamSync.pullAction')}
                </Button>
              ]}
            >
              <List.Item.Meta
                avatar={<EmojiAvatar value={a.avatar} />}
                title={
                  <span>
                    {a.name} {a.localId && <Tag>{t('teamSync.hereAlready')}</Tag>}
                  </span>
                }
                description={a.description}
              />
            </List.Item>
          )}
        />
      )}
    </Modal>
  )
}

/**
 * The agent menu's "Push to team server" / "Pull from team server…", their conflict dialog and
 * the list of the server's agents. Not linked: the items say where to set it up.
 */
export function useTeamSync(agent: Agent): {
  items: Array<{ key: string; icon: ReactNode; label: ReactNode; onClick: () => void }>
  dialogs: ReactNode
  refresh: () => void
} {
  const { t } = useTranslation()
  const { api } = useStudio().connection
  const { fail, ok } = useFeedback()
  const { message } = App.useApp()
  const linkQuery = useTeamLink()
  // Not allowed to know (null) or unreadable: no team items; not read yet: offered as not linked.
  const link = linkQuery.isError ? null : linkQuery.data
  const [conflict, setConflict] = useState<Conflict | null>(null)
  const [pulling, setPulling] = useState(false)
  const linked = Boolean(link?.url && link.hasToken)

  const report = (r: Imported, direction: Direction) => {
    const name = r.agent.name
    const key =
      r.action === 'copied'
        ? direction === 'push'
          ? 'pushedCopy'
          : 'pulledCopy'
        : direction === 'push'
          ? r.action === 'unchanged'
            ? 'pushedUnchanged'
            : 'pushed'
          : 'pulled'
    ok(t(`teamSync.${key}`, { name }))
    const notes = [
      r.needsSecrets.length ? t('teamSync.needsSecrets', { tools: r.needsSecrets.map((s) => `${s.tool} (${s.names.join(', ')})`).join(', ') }) : '',
      r.unbound.length ? t('teamSync.unbound', { names: r.unbound.join(', ') }) : '',
      r.skipped.length ? t('teamSync.skipped', { count: r.skipped.length }) : ''
    ].filter(Boolean)
    if (notes.length) void message.warning({ content: notes.join(' '), duration: 8 })
  }

  const run = async (direction: Direction, name: string, call: (c: OnConflict) => Promise<Imported>, onConflict: OnConflict = 'ask') => {
    try {
      report(await call(onConflict), direction)
    } catch (err) {
      const e = toApiError(err)
      const differences = (e.details as { differences?: SyncDifference[] } | undefined)?.differences
      if (e.info.reason === 'sync_conflict' && differences) setConflict({ direction, name, differences, resolve: (c) => void run(direction, name, call, c) })
      else fail(err)
    }
  }

  const push = () => void run('push', agent.name, (onConflict) => api.call('agents.push', { id: agent.id, onConflict }))
  const pull = (remote: ApiOutput<'agents.remote'>[number]) => {
    setPulling(false)
    void run('pull', remote.name, (onConflict) => api.call('agents.pull', { remoteId: remote.id, onConflict }))
  }
  const setUp = () => routeTo('settings')
  const label = (text: string, testId: string) =>
    linked ? (
      <span data-testid={testId}>{text}</span>
    ) : (
      <span data-testid={testId}>
        {text}
        <div className="muted" style={{ fontSize: 12 }}>
          {t('teamSync.setUpFirst')}
        </div>
      </span>
    )

  return {
    // The menu asks again whether a server is linked each time it opens (it may have been linked elsewhere).
    refresh: () => void linkQuery.refetch(),
    items:
      link === null
        ? []
        : [
            { key: 'push', icon: <CloudUploadOutlined />, label: label(t('teamSync.push'), 'agent-push'), onClick: linked ? push : setUp },
            { key: 'pull', icon: <CloudDownloadOutlined />, label: label(t('teamSync.pull'), 'agent-pull'), onClick: linked ? () => setPulling(true) : setUp }
          ],
    dialogs: (
      <>
        <ConflictDialog conflict={conflict} onClose={() => setConflict(null)} />
        <PullDialog open={pulling} onClose={() => setPulling(false)} onPull={pull} />
      </>
    )
  }
}
