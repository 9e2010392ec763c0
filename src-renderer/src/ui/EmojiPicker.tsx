import { Button, Input, Popover } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { EmojiAvatar } from './EmojiAvatar'

const EMOJIS = [
  '🤖',
  '🧠',
  '💡',
  '🦄',
  '🐙',
  '🦊',
  '🐼',
  '🐳',
  '🦉',
  '🐝',
  '🚀',
  '🛰️',
  '🧭',
  '🗺️',
  '🏔️',
  '🌊',
  '🌸',
  '🍀',
  '🔥',
  '⭐',
  '📚',
  '📝',
  '📊',
  '📈',
  '🧾',
  '💼',
  '🛒',
  '🎫',
  '🏛️',
  '🏥',
  '🧑‍💻',
  '👩‍🏫',
  '🧑‍⚕️',
  '🧑‍🍳',
  '🕵️',
  '🎨',
  '🎧',
  '🎬',
  '🔧',
  '🧪'
]

interface Props {
  value?: string
  onChange?: (value: string) => void
  color?: string
}

/** A form control: pick an emoji from a grid or type any emoji or image URL. */
export function EmojiPicker({ value = '🤖', onChange, color }: Props) {
  const { t } = useTranslation()
  const [open, setOpen] = useState(false)
  const pick = (v: string) => {
    onChange?.(v)
    setOpen(false)
  }
  const content = (
    <div className="emoji-picker">
      <div className="emoji-grid">
        {EMOJIS.map((e) => (
          <button type="button" key={e} className="emoji-cell" onClick={() => pick(e)}>
            {e}
          </button>
        ))}
      </div>
      <Input size="small" placeholder={t('common.emojiCustom')} maxLength={200} onPressEnter={(ev) => ev.currentTarget.value && pick(ev.currentTarget.value)} />
    </div>
  )
  return (
    <Popover content={content} trigger="click" open={open} onOpenChange={setOpen} placement="bottomLeft">
      <Button className="emoji-trigger" type="text" aria-label={t('common.chooseAvatar')} data-testid="emoji-picker">
        <EmojiAvatar value={value} size={48} color={color} />
      </Button>
    </Popover>
  )
}
