// The built-in 2D avatar: an SVG face that blinks, breathes, shows listening / thinking /
// speaking, and moves its lips from a viseme track (or a loudness envelope) following an <audio>
// element's currentTime. Framework-free: the kiosk, the phone page, the studio's preview and a
// React wrapper (./react-avatar) all mount it the same way.
import type { MouthPose } from '../lipsync/track'
import { mixMouth } from '../lipsync/visemes'
import { lipTargetAt, REST_POSE as REST, type AvatarState, type LipSource, type SpeakingAvatar } from './avatar-handle'
import { avatarMarkup, paletteFor, RIG, type LookId, type Palette, type PaletteId } from './looks'
import { mouthPath } from './mouth-path'

export type { AvatarState, LipSource } from './avatar-handle'

export interface AvatarOptions {
  look?: LookId
  palette?: PaletteId | Partial<Palette>
  /** Accessible name of the picture. */
  label?: string
}

export interface AvatarHandle extends SpeakingAvatar {
  readonly element: SVGSVGElement
  setLook(look: LookId, palette?: PaletteId | Partial<Palette>): void
}

/** Pseudo-random blink gaps (2–6 s), deterministic per avatar so screenshots are stable. */
function blinkGaps(seed: number): () => number {
  let s = seed
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff
    return 2 + (s / 0x7fffffff) * 4
  }
}

export function createAvatar(container: HTMLElement, opts: AvatarOptions = {}): AvatarHandle {
  let look: LookId = opts.look ?? 'guide'
  let palette: PaletteId | Partial<Palette> = opts.palette ?? 'blue'
  let state: AvatarState = 'idle'
  let audio: HTMLAudioElement | undefined
  let source: LipSource = {}
  let pose: MouthPose = REST
  let svg!: SVGSVGElement
  let parts: Record<string, SVGElement | null> = {}
  let frame = 0
  const start = performance.now()
  const nextGap = blinkGaps(7)
  let nextBlink = nextGap()

  function render() {
    container.innerHTML = avatarMarkup(look, paletteFor(look, palette))
    svg = container.querySelector('svg')!
    svg.setAttribute('aria-label', opts.label ?? 'digital human')
    svg.style.width = '100%'
    svg.style.height = '100%'
    parts = {}
    for (const el of svg.querySelectorAll<SVGElement>('[data-part]')) parts[el.dataset.part!] = el
    draw(performance.now())
  }

  function draw(now: number) {
    const t = (now - start) / 1000
    // Lips: a quick ease towards the target hides frame jitter; tiny values snap to rest.
    const target = lipTargetAt(audio, source).pose
    const mixed = mixMouth(pose, target, 0.55)
    pose = { viseme: target.viseme, ...mixed }
    if (target.open === 0 && pose.open < 0.01) pose = { ...target }
    parts.mouth?.setAttribute('d', mouthPath(pose, RIG.mouth[0], RIG.mouth[1]))
    svg.dataset.mouthOpen = pose.open.toFixed(3)
    svg.dataset.viseme = pose.viseme
    svg.dataset.state = state

    // Blink: lids drop for 140 ms every few seconds.
    if (t > nextBlink + 0.14) nextBlink = t + nextGap()
    const blink = t >= nextBlink ? Math.sin(((t - nextBlink) / 0.14) * Math.PI) : 0
    const lid = state === 'thinking' ? 0.25 : 0
    for (const side of ['l', 'r']) parts[`lid-${side}`]?.setAttribute('height', String(24 * Math.max(blink, lid)))

    // Idle motion: breathing and a slow sway; listening tilts towards the visitor, speaking nods.
    const sway = Math.sin(t * 0.6) * 1.5
    const tilt = state === 'listening' ? 5 : 0
    const nod = state === 'speaking' ? pose.open * 2 : 0
    const breathe = Math.sin(t * 1.4) * 1.2
    parts.head?.setAttribute('transform', `translate(0 ${(breathe + nod).toFixed(2)}) rotate(${(sway + tilt).toFixed(2)} ${RIG.pivot[0]} ${RIG.pivot[1]})`)

    // Eyes look up while thinking, at the visitor otherwise.
    const gaze = state === 'thinking' ? 'translate(3 -4)' : ''
    parts['pupil-l']?.setAttribute('transform', gaze)
    parts['pupil-r']?.setAttribute('transform', gaze)

    parts.thinking?.setAttribute('opacity', state === 'thinking' ? String(0.55 + 0.45 * Math.sin(t * 4)) : '0')
    parts.listening?.setAttribute('opacity', state === 'listening' ? String(0.5 + 0.5 * Math.sin(t * 5)) : '0')
    parts.ring?.setAttribute('opacity', state === 'listening' ? '0.9' : state === 'speaking' ? String(0.2 + pose.open * 0.6) : '0')
  }

  const loop = (now: number) => {
    draw(now)
    frame = requestAnimationFrame(loop)
  }

  render()
  frame = requestAnimationFrame(loop)

  return {
    get element() {
      return svg
    },
    get state() {
      return state
    },
    setLook(next, nextPalette) {
      look = next
      if (nextPalette) palette = nextPalette
      render()
    },
    setState(next) {
      state = next
      draw(performance.now())
    },
    follow(el, src) {
      audio = el
      source = src
    },
    stop() {
      audio = undefined
      source = {}
      pose = REST
      draw(performance.now())
    },
    mouth: () => pose,
    destroy() {
      cancelAnimationFrame(frame)
      container.innerHTML = ''
    }
  }
}
