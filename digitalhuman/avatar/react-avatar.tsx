// The built-in avatar as a React component for the studio (registry preview, agent editor) and
// the phone page. The kiosk can mount createAvatar directly.
import { useEffect, useRef } from 'react'
import type { LookId, Palette, PaletteId } from './looks'
import { createAvatar, type AvatarHandle, type AvatarState, type LipSource } from './svg-avatar'

export interface DigitalHumanAvatarProps {
  look?: LookId
  palette?: PaletteId | Partial<Palette>
  state?: AvatarState
  /** The element playing the current sentence, and what moves the lips while it plays. */
  audio?: HTMLAudioElement | null
  lips?: LipSource
  label?: string
  className?: string
  style?: React.CSSProperties
  /** The handle, for a parent that needs stop() on barge-in. */
  onReady?: (avatar: AvatarHandle) => void
}

export function DigitalHumanAvatar({
  look = 'guide',
  palette = 'blue',
  state = 'idle',
  audio,
  lips,
  label,
  className,
  style,
  onReady
}: DigitalHumanAvatarProps) {
  const host = useRef<HTMLDivElement>(null)
  const avatar = useRef<AvatarHandle | null>(null)

  useEffect(() => {
    const a = createAvatar(host.current!, { look, palette, label })
    avatar.current = a
    onReady?.(a)
    return () => a.destroy()
    // Created once; look, palette and state changes go through its handle below.
  }, [])

  const paletteKey = typeof palette === 'string' ? palette : JSON.stringify(palette)
  useEffect(() => avatar.current?.setLook(look, palette), [look, paletteKey])
  useEffect(() => avatar.current?.setState(state), [state])
  useEffect(() => {
    if (audio && lips) avatar.current?.follow(audio, lips)
    else avatar.current?.stop()
  }, [audio, lips])

  return <div ref={host} className={className} style={{ aspectRatio: '200 / 240', ...style }} data-testid="digital-human-avatar" />
}
