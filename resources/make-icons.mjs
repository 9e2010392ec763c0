// Draws the app and tray icons (no image tools needed): `node resources/make-icons.mjs`.
// Shapes are distance fields sampled 4×4 per pixel, so edges are smooth at every size.
import { deflateSync } from 'node:zlib'
import { writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})
const crc32 = (buf) => {
  let c = 0xffffffff
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}
function chunk(type, data) {
  const len = Buffer.alloc(4)
  len.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([len, body, crc])
}
function png(size, rgba) {
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(size, 0)
  ihdr.writeUInt32BE(size, 4)
  ihdr[8] = 8 // bit depth
  ihdr[9] = 6 // RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1))
  for (let y = 0; y < size; y++) rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4)
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0))
  ])
}

// Distance fields in unit coordinates (0..1); negative inside.
const roundedSquare = (x, y, inset, r) => {
  const h = 0.5 - inset - r
  const qx = Math.abs(x - 0.5) - h
  const qy = Math.abs(y - 0.5) - h
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r
}
const segment = (x, y, ax, ay, bx, by, w) => {
  const px = x - ax,
    py = y - ay,
    dx = bx - ax,
    dy = by - ay
  const t = Math.max(0, Math.min(1, (px * dx + py * dy) / (dx * dx + dy * dy)))
  return Math.hypot(px - dx * t, py - dy * t) - w / 2
}
const circle = (x, y, cx, cy, r) => Math.hypot(x - cx, y - cy) - r
// The mark: an "A" whose apex is a node, with a spark beside it — an agent at work.
const letterA = (x, y, s = 1, o = 0) => {
  const X = (v) => o + v * s
  const w = 0.085 * s
  return Math.min(
    segment(x, y, X(0.5), X(0.24), X(0.29), X(0.76), w),
    segment(x, y, X(0.5), X(0.24), X(0.71), X(0.76), w),
    segment(x, y, X(0.38), X(0.57), X(0.62), X(0.57), w * 0.85)
  )
}
const spark = (x, y, s = 1, o = 0) => circle(x, y, o + 0.755 * s, o + 0.27 * s, 0.065 * s)

function render(size, shade) {
  const out = Buffer.alloc(size * size * 4)
  const n = 4
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0,
        g = 0,
        b = 0,
        a = 0
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const x = (px + (sx + 0.5) / n) / size
          const y = (py + (sy + 0.5) / n) / size
          const c = shade(x, y)
          if (!c) continue
          r += c[0] * c[3]
          g += c[1] * c[3]
          b += c[2] * c[3]
          a += c[3]
        }
      }
      const i = (py * size + px) * 4
      if (a > 0) {
        out[i] = Math.round(r / a)
        out[i + 1] = Math.round(g / a)
        out[i + 2] = Math.round(b / a)
      }
      out[i + 3] = Math.round((a / (n * n)) * 255)
    }
  }
  return out
}

const mix = (c1, c2, t) => c1.map((v, i) => Math.round(v + (c2[i] - v) * t))
const indigo = [79, 70, 229],
  violet = [139, 62, 232],
  white = [255, 255, 255],
  cyan = [103, 232, 249]

// Full-colour icon: the rounded square with a diagonal gradient, the mark in white.
const appIcon = (inset) => (x, y) => {
  if (roundedSquare(x, y, inset, 0.2) > 0) return null
  if (letterA(x, y) <= 0) return [...white, 1]
  if (spark(x, y) <= 0) return [...cyan, 1]
  return [...mix(indigo, violet, (x + y) / 2), 1]
}
// macOS menu-bar template: black mark on transparency, which macOS tints for light and dark bars.
const template = (x, y) => (letterA(x, y, 1.1, -0.05) <= 0 || spark(x, y, 1.1, -0.05) <= 0 ? [0, 0, 0, 1] : null)

const files = [
  ['icon.png', 512, appIcon(0.06)],
  ['tray.png', 16, appIcon(0)],
  ['tray@2x.png', 32, appIcon(0)],
  ['trayTemplate.png', 16, template],
  ['trayTemplate@2x.png', 32, template]
]
for (const [name, size, shade] of files) {
  writeFileSync(join(here, name), png(size, render(size, shade)))
  console.log(`${name} ${size}×${size}`)
}
