import { CopyOutlined, ReloadOutlined } from '@ant-design/icons'
import { Alert, Button, Collapse, Tag, Tooltip } from 'antd'
import { memo } from 'react'
import { useTranslation } from 'react-i18next'
import type { ConversationStore } from '../stores/conversation'
import { EmojiAvatar } from '../ui/EmojiAvatar'
import { CardView } from './cards/CardView'
import { Markdown } from './markdown/Markdown'
import { answerText, type AssistantItem, type AssistantPart, type ToolStep } from './model'
import { RunTrace } from './RunTrace'
import { Sources } from './Sources'
import { ToolSteps } from './ToolSteps'
import { WaitForm } from './WaitForm'
import { BranchSwitch } from './BranchSwitch'

type Segment = { type: 'text'; text: string; key: number } | { type: 'tools'; steps: ToolStep[]; key: number }

/** Consecutive tool calls show as one group of steps between the texts around them. */
function segments(parts: AssistantPart[]): Segment[] {
  const out: Segment[] = []
  parts.forEach((p, key) => {
    const last = out.at(-1)
    if (p.type === 'text') out.push({ type: 'text', text: p.text, key })
    else if (last?.type === 'tools') last.steps.push(p.step)
    else out.push({ type: 'tools', steps: [p.step], key })
  })
  return out
}

interface Props {
  item: AssistantItem
  avatar: string
  store: ConversationStore
  /** Only the last answer can be regenerated. */
  isLast: boolean
  busy: boolean
  onSend: (text: string) => void
  onCopy: (text: string) => void
  /** Switching to another answer failed (the error, to show). */
  onBranchError: (err: unknown) => void
}

export const AssistantMessage = memo(function AssistantMessage({ item, avatar, store, isLast, busy, onSend, onCopy, onBranchError }: Props) {
  const { t } = useTranslation()
  const streaming = item.status === 'streaming'
  const segs = segments(item.parts)
  const lastText = segs.findLastIndex((s) => s.type === 'text')
  return (
    <div className="msg msg-assistant" data-testid="msg-assistant" data-status={item.status}>
      <EmojiAvatar value={avatar} size={32} />
      <div className="msg-body">
        {item.reasoning && (
          <Collapse
            ghost
            size="small"
            className="reasoning"
            items={[
              {
                key: 'r',
                label: <span className="muted">{streaming && !segs.length ? t('chat.thinking') : t('chat.thought')}</span>,
                children: <div className="reasoning-text">{item.reasoning}</div>
              }
            ]}
          />
        )}
        {segs.map((s, i) =>
          s.type === 'tools' ? (
            <ToolSteps key={s.key} steps={s.steps} />
          ) : (
            <div key={s.key} className="msg-text" data-testid="msg-text">
              <Markdown text={s.text} streaming={streaming && i === lastText} sources={item.sources} />
            </div>
          )
        )}
        {streaming && !item.wait && (
          <span className="typing" data-testid="typing" aria-label={t('chat.answering')}>
            <i />
            <i />
            <i />
          </span>
        )}
        {item.wait && !(item.wait.answered && item.wait.kind !== 'input') && (
          <WaitForm wait={item.wait} onAnswer={(data) => store.getState().answerWait(item.wait!.waitId, data)} />
        )}
        {item.cards.length > 0 && (
          <div className="msg-cards">
            {item.cards.map((card, i) => (
              <CardView key={i} card={card} onSend={busy ? undefined : onSend} />
            ))}
          </div>
        )}
        {item.sources.length > 0 && <Sources sources={item.sources} />}
        {item.error && <Alert type="error" showIcon className="msg-error" title={item.error} data-testid="msg-error" />}
        {!streaming && (
          <div className="msg-actions">
            {item.branches && item.firstId && (
              <BranchSwitch
                branches={item.branches}
                current={item.firstId}
                busy={busy}
                onShow={(id) => void store.getState().showBranch(id).catch(onBranchError)}
              />
            )}
            {item.status === 'stopped' && <Tag variant="filled">{t('chat.stopped')}</Tag>}
            <Tooltip title={t('chat.copy')}>
              <Button type="text" size="small" icon={<CopyOutlined />} onClick={() => onCopy(answerText(item))} aria-label={t('chat.copy')} />
            </Tooltip>
            {isLast && (
              <Tooltip title={t('chat.regenerate')}>
                <Button
                  type="text"
                  size="small"
                  icon={<ReloadOutlined />}
                  disabled={busy}
                  onClick={() => void store.getState().regenerate()}
                  aria-label={t('chat.regenerate')}
                  data-testid="regenerate"
                />
              </Tooltip>
            )}
            {item.runId && <RunTrace store={store} runId={item.runId} />}
            <span className="muted small msg-usage" data-testid="msg-stats">
              {[
                item.model,
                item.durationMs !== undefined && t('chat.seconds', { s: (item.durationMs / 1000).toFixed(1) }),
                item.usage &&
                  (item.usage.promptTokens > 0 || item.usage.completionTokens > 0) &&
                  t('chat.tokens', { in: item.usage.promptTokens, out: item.usage.completionTokens })
              ]
                .filter(Boolean)
                .join(' · ')}
            </span>
          </div>
        )}
      </div>
    </div>
  )
})
