// A mouth pose → the SVG path of the lips. Pure: the animator calls it every frame.
import type { MouthShape } from '../lipsync/visemes'

const r1 = (n: number) => Math.round(n * 10) / 10

/**
 * Lips as two cubic curves around (cx, cy): `width` spreads the corners, `round` pulls them in and
 * rounds the opening, `open` drops the lower lip. At rest the corners lift a little (a smile).
 */
export function mouthPath(shape: MouthShape, cx: number, cy: number, scale = 1): string {
  const halfWidth = 16 * scale * (0.55 + 0.6 * shape.width) * (1 - 0.35 * shape.round)
  const height = (1.5 + 22 * shape.open) * scale
  const smile = (1 - shape.open) * (1 - shape.round) * 3 * scale
  const k = halfWidth * (0.2 + 0.35 * shape.round)
  const left = cx - halfWidth
  const right = cx + halfWidth
  const cornerY = cy - smile
  const top = cy - height * 0.45
  const bottom = cy + height * 0.85 + smile * 0.6
  return (
    `M${r1(left)} ${r1(cornerY)} C${r1(left + k)} ${r1(top)} ${r1(right - k)} ${r1(top)} ${r1(right)} ${r1(cornerY)} ` +
    `C${r1(right - k)} ${r1(bottom)} ${r1(left + k)} ${r1(bottom)} ${r1(left)} ${r1(cornerY)} Z`
  )
}
