import { LeftOutlined, RightOutlined } from '@ant-design/icons'
import { Button } from 'antd'
import { useTranslation } from 'react-i18next'

interface Props {
  /** The versions, oldest first. */
  branches: string[]
  /** The one shown. */
  current: string
  busy: boolean
  onShow: (id: string) => void
}

/** "‹ 2/3 ›" under a message with versions (edits of it, or regenerated answers): shows another one. */
export function BranchSwitch({ branches, current, busy, onShow }: Props) {
  const { t } = useTranslation()
  const at = branches.indexOf(current)
  if (branches.length < 2 || at < 0) return null
  return (
    <span className="branch-switch" role="group" aria-label={t('chatBranch.label')} data-testid="branch-switch">
      <Button
        type="text"
        size="small"
        icon={<LeftOutlined />}
        disabled={busy || at === 0}
        onClick={() => onShow(branches[at - 1])}
        aria-label={t('chatBranch.previous')}
        data-testid="branch-prev"
      />
      <span className="muted small" data-testid="branch-position">
        {t('chatBranch.position', { index: at + 1, count: branches.length })}
      </span>
      <Button
        type="text"
        size="small"
        icon={<RightOutlined />}
        disabled={busy || at === branches.length - 1}
        onClick={() => onShow(branches[at + 1])}
        aria-label={t('chatBranch.next')}
        data-testid="branch-next"
      />
    </span>
  )
}
