interface Props {
  value: string
  size?: number
  color?: string
}

const isImage = (v: string) => /^(https?:|data:image\/)/.test(v)

/** An agent's or tool's avatar: an emoji on a soft tile, or an image. */
export function EmojiAvatar({ value, size = 44, color }: Props) {
  const style = { width: size, height: size, fontSize: size * 0.55, background: color }
  return (
    <span className="emoji-avatar" style={style}>
      {isImage(value) ? <img src={value} alt="" /> : value}
    </span>
  )
}
