// The built-in avatars' looks and colours, drawn in code (no asset to download or license).
// A look is a set of SVG layers around one shared face rig (eyes, brows, mouth) that the animator
// moves; a palette recolours any look.

export const LOOKS = ['guide', 'robot', 'scholar', 'panda'] as const
export type LookId = (typeof LOOKS)[number]

export interface Palette {
  background: string
  skin: string
  hair: string
  outfit: string
  accent: string
  lips: string
  iris: string
}

export const PALETTES = ['blue', 'green', 'rose', 'amber'] as const
export type PaletteId = (typeof PALETTES)[number]

const ACCENTS: Record<PaletteId, Pick<Palette, 'background' | 'outfit' | 'accent'>> = {
  blue: { background: '#e6f0ff', outfit: '#2f6fed', accent: '#1f5fd6' },
  green: { background: '#e5f7ee', outfit: '#1f9d63', accent: '#14804f' },
  rose: { background: '#fdeaf1', outfit: '#d6457a', accent: '#b8325f' },
  amber: { background: '#fff4e0', outfit: '#e58a12', accent: '#c46f00' }
}

const BASE: Record<LookId, Omit<Palette, 'background' | 'outfit' | 'accent'>> = {
  guide: { skin: '#f6d3bd', hair: '#2b1d16', lips: '#c9545d', iris: '#4a3426' },
  robot: { skin: '#f4f6fa', hair: '#1b2233', lips: '#5ee0ff', iris: '#5ee0ff' },
  scholar: { skin: '#eac3a4', hair: '#3b3b3b', lips: '#b5555a', iris: '#2e3a46' },
  panda: { skin: '#ffffff', hair: '#222222', lips: '#d0626c', iris: '#222222' }
}

const COLOUR = /^#[0-9a-fA-F]{3,8}$/

/** A look's colours: the palette's accents over the look's own skin and hair, then any overrides. */
export function paletteFor(look: LookId, palette: PaletteId | Partial<Palette> = 'blue'): Palette {
  const named = typeof palette === 'string' ? palette : 'blue'
  const merged: Palette = { ...BASE[look], ...ACCENTS[named] }
  if (typeof palette === 'object') {
    // Only plain hex colours are taken: the values end up in SVG markup.
    for (const [k, v] of Object.entries(palette)) if (k in merged && typeof v === 'string' && COLOUR.test(v)) merged[k as keyof Palette] = v
  }
  return merged
}

export const isLook = (x: unknown): x is LookId => LOOKS.includes(x as LookId)

// The face rig sits at the same place in every look so the animator can move it.
export const RIG = { eyeL: [80, 112], eyeR: [120, 112], mouth: [100, 150], pivot: [100, 190] } as const

/** The SVG markup of a look (viewBox 0 0 200 240). Parts the animator moves carry data-part. */
export function avatarMarkup(look: LookId, p: Palette): string {
  const [lx, ly] = RIG.eyeL
  const [rx, ry] = RIG.eyeR
  const robot = look === 'robot'
  const eye = (x: number, y: number, side: string) =>
    robot
      ? `<g data-part="eye-${side}"><rect x="${x - 9}" y="${y - 11}" width="18" height="22" rx="8" fill="${p.iris}"/><circle data-part="pupil-${side}" cx="${x + 3}" cy="${y - 4}" r="3" fill="#ffffff" opacity="0.85"/></g>`
      : `<g data-part="eye-${side}"><ellipse cx="${x}" cy="${y}" rx="10" ry="7.5" fill="#ffffff"/><g data-part="pupil-${side}"><circle cx="${x}" cy="${y}" r="5.2" fill="${p.iris}"/><circle cx="${x}" cy="${y}" r="2.4" fill="#111111"/><circle cx="${x + 1.8}" cy="${y - 2}" r="1.3" fill="#ffffff"/></g></g>`
  const brows =
    robot || look === 'panda'
      ? ''
      : `<g data-part="brows" stroke="${p.hair}" stroke-width="3" stroke-linecap="round" fill="none"><path d="M${lx - 11} ${ly - 15} Q${lx} ${ly - 20} ${lx + 10} ${ly - 15}"/><path d="M${rx - 10} ${ry - 15} Q${rx} ${ry - 20} ${rx + 11} ${ry - 15}"/></g>`
  const body = `<path d="M28 240 C34 200 62 186 100 186 C138 186 166 200 172 240 Z" fill="${p.outfit}"/>`
  const neck = robot
    ? `<rect x="88" y="168" width="24" height="22" rx="6" fill="#c9d1de"/>`
    : `<rect x="89" y="162" width="22" height="28" rx="9" fill="${p.skin}"/>`
  const layers: Record<LookId, { back: string; head: string; front: string; collar: string }> = {
    guide: {
      back: `<path d="M46 118 C40 56 70 42 100 42 C130 42 160 56 154 118 L156 168 C140 176 128 172 124 160 L76 160 C72 172 60 176 44 168 Z" fill="${p.hair}"/>`,
      head: `<ellipse cx="100" cy="116" rx="46" ry="54" fill="${p.skin}"/><ellipse cx="54" cy="122" rx="6" ry="10" fill="${p.skin}"/><ellipse cx="146" cy="122" rx="6" ry="10" fill="${p.skin}"/>`,
      front: `<path d="M52 108 C52 66 76 56 104 58 C128 60 150 74 148 108 C132 96 118 80 112 70 C102 88 78 100 52 108 Z" fill="${p.hair}"/>`,
      collar: `<path d="M74 190 L100 214 L126 190 L116 186 L100 200 L84 186 Z" fill="#ffffff"/><circle cx="100" cy="222" r="3" fill="${p.accent}"/>`
    },
    robot: {
      back: `<circle cx="100" cy="40" r="7" fill="${p.accent}"/><rect x="97" y="44" width="6" height="20" fill="#c9d1de"/><ellipse cx="46" cy="116" rx="12" ry="20" fill="${p.accent}"/><ellipse cx="154" cy="116" rx="12" ry="20" fill="${p.accent}"/>`,
      head: `<rect x="48" y="60" width="104" height="112" rx="46" fill="${p.skin}"/><rect x="60" y="86" width="80" height="78" rx="30" fill="${p.hair}"/>`,
      front: `<path d="M64 74 Q100 62 136 74" stroke="#ffffff" stroke-width="4" stroke-linecap="round" fill="none" opacity="0.8"/>`,
      collar: `<rect x="84" y="204" width="32" height="10" rx="5" fill="${p.accent}"/>`
    },
    scholar: {
      back: `<path d="M54 112 C50 62 76 48 100 48 C126 48 152 62 146 112 Z" fill="${p.hair}"/>`,
      head: `<ellipse cx="100" cy="118" rx="44" ry="52" fill="${p.skin}"/><ellipse cx="56" cy="122" rx="7" ry="11" fill="${p.skin}"/><ellipse cx="144" cy="122" rx="7" ry="11" fill="${p.skin}"/>`,
      front: `<path d="M56 100 C58 64 84 56 104 58 C126 60 146 70 144 100 C124 86 96 82 80 74 C74 84 66 92 56 100 Z" fill="${p.hair}"/><g stroke="#2a2a2a" stroke-width="2.4" fill="none"><circle cx="${lx}" cy="${ly}" r="14"/><circle cx="${rx}" cy="${ry}" r="14"/><path d="M${lx + 14} ${ly} L${rx - 14} ${ry}"/><path d="M${lx - 14} ${ly - 2} L58 108"/><path d="M${rx + 14} ${ry - 2} L142 108"/></g>`,
      collar: `<path d="M80 188 L100 232 L120 188 L110 186 L100 200 L90 186 Z" fill="#ffffff"/><path d="M96 200 L104 200 L106 228 L100 236 L94 228 Z" fill="${p.accent}"/>`
    },
    panda: {
      back: `<circle cx="58" cy="66" r="20" fill="${p.hair}"/><circle cx="142" cy="66" r="20" fill="${p.hair}"/>`,
      head: `<ellipse cx="100" cy="114" rx="56" ry="54" fill="${p.skin}"/><ellipse cx="${lx - 2}" cy="${ly + 2}" rx="16" ry="19" transform="rotate(-25 ${lx - 2} ${ly + 2})" fill="${p.hair}"/><ellipse cx="${rx + 2}" cy="${ry + 2}" rx="16" ry="19" transform="rotate(25 ${rx + 2} ${ry + 2})" fill="${p.hair}"/>`,
      front: `<ellipse cx="100" cy="134" rx="8" ry="5.5" fill="${p.hair}"/>`,
      collar: `<path d="M78 190 Q100 206 122 190" stroke="${p.accent}" stroke-width="6" fill="none" stroke-linecap="round"/>`
    }
  }
  const l = layers[look]
  const nose =
    look === 'guide' || look === 'scholar' ? `<path d="M100 122 Q96 134 101 136" stroke="#00000033" stroke-width="2" fill="none" stroke-linecap="round"/>` : ''
  const cheeks = robot
    ? ''
    : `<circle cx="68" cy="138" r="7" fill="${p.lips}" opacity="0.18"/><circle cx="132" cy="138" r="7" fill="${p.lips}" opacity="0.18"/>`
  const mouthFill = robot ? p.hair : '#6b2026'
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 240" data-look="${look}" role="img">`,
    `<circle cx="100" cy="128" r="98" fill="${p.background}"/>`,
    `<circle data-part="ring" cx="100" cy="128" r="96" fill="none" stroke="${p.accent}" stroke-width="4" opacity="0"/>`,
    body,
    neck,
    l.collar,
    `<g data-part="head">`,
    l.back,
    l.head,
    cheeks,
    eye(lx, ly, 'l'),
    eye(rx, ry, 'r'),
    `<g data-part="lids" fill="${robot || look === 'panda' ? p.hair : p.skin}"><rect data-part="lid-l" x="${lx - 13}" y="${ly - 12}" width="26" height="0"/><rect data-part="lid-r" x="${rx - 13}" y="${ry - 12}" width="26" height="0"/></g>`,
    brows,
    nose,
    `<path data-part="mouth" fill="${mouthFill}" stroke="${p.lips}" stroke-width="${robot ? 3 : 2.6}" stroke-linejoin="round"/>`,
    l.front,
    `</g>`,
    `<g data-part="thinking" fill="${p.accent}" opacity="0"><circle cx="156" cy="52" r="5"/><circle cx="170" cy="40" r="6.5"/><circle cx="186" cy="26" r="8"/></g>`,
    `<g data-part="listening" stroke="${p.accent}" stroke-width="3" fill="none" stroke-linecap="round" opacity="0"><path d="M168 110 Q176 122 168 134"/><path d="M178 102 Q190 122 178 142"/></g>`,
    `</svg>`
  ].join('')
}
