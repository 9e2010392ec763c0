import { ApiOutlined, ToolOutlined } from '@ant-design/icons'
import type { AgentToolBinding, McpToolInfo, Tool, ToolStatus } from '@contract/entities'
import { Badge, Button, Checkbox, Empty, Switch, Tooltip } from 'antd'
import { useCallback, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { routeTo } from '../../../shell/route'
import { useStudio } from '../../../stores/hooks'
import { EmojiAvatar } from '../../../ui/EmojiAvatar'
import { useFeedback } from '../../../ui/feedback'
import { translateMessage } from '../../../api/errors'
import { Section } from './Section'
import { STATE_BADGE, useToolStatus } from '../../tools/use-tool-status'
import { useCollection } from '../../../queries/collections'

interface Props {
  value: AgentToolBinding[]
  onChange: (next: AgentToolBinding[]) => void
}

/** MCP servers the agent may use, and which of their tools: all (now and later) or a chosen few. */
export function ToolsSection({ value, onChange }: Props) {
  const { t } = useTranslation()
  const tools = useCollection('tools').items
  const [status, putStatus] = useToolStatus()

  const patch = useCallback(
    (toolId: string, next: Partial<AgentToolBinding> | null) => {
      const rest = value.filter((b) => b.toolId !== toolId)
      if (next === null) return onChange(rest)
      const current = value.find((b) => b.toolId === toolId) ?? { toolId, enabledTools: null, requireConfirmation: false }
      onChange([...rest, { ...current, ...next }])
    },
    [value, onChange]
  )

  return (
    <Section
      icon={<ToolOutlined />}
      title={t('workspace.tools')}
      testId="ws-tools"
      extra={
        <Button type="link" size="small" onClick={() => routeTo('tools')}>
          {t('workspace.manageTools')}
        </Button>
      }
    >
      {tools.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('workspace.noTools')} />
      ) : (
        <div className="ws-rows">
          {tools.map((tool) => (
            <ToolRow
              key={tool.id}
              tool={tool}
              status={status[tool.id]}
              binding={value.find((b) => b.toolId === tool.id)}
              onPatch={(next) => patch(tool.id, next)}
              onStatus={putStatus}
            />
          ))}
        </div>
      )}
    </Section>
  )
}

interface RowProps {
  tool: Tool
  status?: ToolStatus
  binding?: AgentToolBinding
  onPatch: (next: Partial<AgentToolBinding> | null) => void
  onStatus: (s: ToolStatus) => void
}

function ToolRow({ tool, status, binding, onPatch, onStatus }: RowProps) {
  const { t } = useTranslation()
  const studio = useStudio()
  const { fail } = useFeedback()
  const [testing, setTesting] = useState(false)
  const list: McpToolInfo[] = status?.tools ?? []
  const state = status?.state ?? 'idle'

  // An idle server has not listed its tools yet: connecting once shows them.
  const connect = async () => {
    setTesting(true)
    try {
      const r = await studio.connection.api.call('tools.test', { id: tool.id })
      onStatus({
        toolId: tool.id,
        state: r.ok ? 'ready' : 'failed',
        error: r.ok ? null : translateMessage({ reason: r.reason, params: r.params, message: r.error ?? '' }),
        tools: r.tools,
        updatedAt: Date.now()
      })
    } catch (err) {
      fail(err)
    } finally {
      setTesting(false)
    }
  }
  const enabledTools = binding?.enabledTools ?? null
  const toggleTool = (name: string, on: boolean) => {
    const current = enabledTools ?? list.map((x) => x.name)
    const next = on ? [...new Set([...current, name])] : current.filter((n) => n !== name)
    onPatch({ enabledTools: next.length === list.length ? null : next })
  }

  return (
    <div className={`ws-row ${binding ? 'on' : ''}`} data-testid="ws-tool-row">
      <div className="ws-row-head">
        <EmojiAvatar value={tool.icon} size={28} color={tool.color} />
        <div className="ws-row-title">
          <div>{tool.name}</div>
          <div className="muted small">
            <Badge status={STATE_BADGE[state]} text={t(`workspace.toolState.${state}`)} />
            {!tool.enabled && <span> · {t('workspace.toolDisabled')}</span>}
          </div>
        </div>
        <Switch size="small" checked={!!binding} onChange={(on) => onPatch(on ? {} : null)} aria-label={tool.name} data-testid="ws-tool-switch" />
      </div>
      {binding && (
        <div className="ws-row-body">
          {status?.error && <div className="ws-error small">{status.error}</div>}
          {list.length === 0 ? (
            <Button size="small" icon={<ApiOutlined />} loading={testing} onClick={() => void connect()}>
              {t('workspace.listTools')}
            </Button>
          ) : (
            <>
              <Checkbox checked={enabledTools === null} onChange={(e) => onPatch({ enabledTools: e.target.checked ? null : [] })}>
                {t('workspace.allTools', { count: list.length })}
              </Checkbox>
              <div className="ws-tool-list">
                {list.map((x) => (
                  <Tooltip key={x.name} title={x.description} placement="topLeft">
                    <Checkbox checked={enabledTools === null || enabledTools.includes(x.name)} onChange={(e) => toggleTool(x.name, e.target.checked)}>
                      <span className="mono small">{x.name}</span>
                    </Checkbox>
                  </Tooltip>
                ))}
              </div>
            </>
          )}
          <label className="ws-inline">
            <Switch size="small" checked={binding.requireConfirmation} onChange={(requireConfirmation) => onPatch({ requireConfirmation })} />
            <span className="small">{t('workspace.requireConfirmation')}</span>
          </label>
        </div>
      )}
    </div>
  )
}
