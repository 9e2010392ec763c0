import { ClockCircleOutlined, DeleteOutlined } from '@ant-design/icons'
import type { Tool, ToolStatus } from '@contract/entities'
import { App, Badge, Button, Switch, Tag, Tooltip, type ButtonProps } from 'antd'
import { useTranslation } from 'react-i18next'
import { useStudio } from '../../stores/hooks'
import { EmojiAvatar } from '../../ui/EmojiAvatar'
import { useFeedback } from '../../ui/feedback'
import { useFormatDate } from '../../ui/format'
import { STATE_BADGE } from './use-tool-status'
import { updateItem, removeItem } from '../../queries/collections'

const TRANSPORT_COLORS = { stdio: 'geekblue', sse: 'green', 'streamable-http': 'cyan' } as const

/** Where the server runs: the command line for stdio, the URL for remote transports. */
const target = (tool: Tool) => (tool.config.transport === 'stdio' ? [tool.config.command, ...tool.config.args].join(' ') : tool.config.url)

export function ToolCard({ tool, status, onEdit }: { tool: Tool; status?: ToolStatus; onEdit: () => void }) {
  const { t } = useTranslation()
  const studio = useStudio()
  const { modal } = App.useApp()
  const { fail, ok } = useFeedback()
  const formatDate = useFormatDate()

  const toggle = (enabled: boolean) => updateItem(studio, 'tools', tool.id, { enabled }).catch((err) => fail(err))
  const remove = () =>
    modal.confirm({
      title: t('tools.deleteTitle', { name: tool.name }),
      content: t('tools.deleteBody'),
      okText: t('common.delete'),
      okButtonProps: { danger: true, 'data-testid': 'confirm-delete' } as ButtonProps,
      cancelText: t('common.cancel'),
      onOk: () =>
        removeItem(studio, 'tools', tool.id)
          .then(() => ok(t('common.deleted')))
          .catch((err) => fail(err))
    })
  const stop = (e: { stopPropagation(): void }) => e.stopPropagation()

  return (
    <div className="entity-card" data-testid="tool-card" role="button" tabIndex={0} onClick={onEdit} onKeyDown={(e) => e.key === 'Enter' && onEdit()}>
      <div className="entity-card-head">
        <EmojiAvatar value={tool.icon} color={tool.color} />
        <div className="entity-card-title">
          <div className="entity-name" data-testid="tool-name">
            {tool.name}
          </div>
          <div className="entity-meta">
            <ClockCircleOutlined /> {formatDate(tool.updatedAt)}
          </div>
        </div>
        <span onClick={stop} onKeyDown={stop}>
          <Switch size="small" checked={tool.enabled} onChange={toggle} aria-label={t('tools.enabled')} />
        </span>
      </div>
      <p className="entity-desc">{tool.remark || <span className="muted">{t('tools.noRemark')}</span>}</p>
      <Tooltip title={target(tool)}>
        <div className="entity-target mono">{target(tool)}</div>
      </Tooltip>
      <div className="entity-card-foot">
        <Tag color={TRANSPORT_COLORS[tool.config.transport]} variant="filled">
          {t(`tools.transport.${tool.config.transport}`)}
        </Tag>
        <Tag variant="filled">{tool.category}</Tag>
        {status && (
          <Tooltip title={status.error ?? (status.state === 'ready' ? status.tools.map((x) => x.name).join(', ') : undefined)}>
            <span data-testid="tool-state" data-state={status.state}>
              <Badge
                status={STATE_BADGE[status.state]}
                text={status.state === 'ready' ? t('tools.toolCount', { count: status.tools.length }) : t(`workspace.toolState.${status.state}`)}
              />
            </span>
          </Tooltip>
        )}
        <span className="grow" />
        <span onClick={stop} onKeyDown={stop}>
          <Tooltip title={t('common.delete')}>
            <Button type="text" size="small" danger icon={<DeleteOutlined />} onClick={remove} aria-label={t('common.delete')} data-testid="tool-delete" />
          </Tooltip>
        </span>
      </div>
    </div>
  )
}
