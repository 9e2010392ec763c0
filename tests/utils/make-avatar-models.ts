// Small avatar files for the 3D avatar's tests, built by hand (no download, no exporter): a head
// with hair, eyes and a mouth on a neck and shoulders. The mouth is a dark disc whose morph
// targets take the 2D avatar's mouth shapes (digitalhuman/lipsync/visemes.ts MOUTH), so each
// viseme shows; the eyes squash shut for blinking.
//   makeAvatarGlb()  a TalkingHead-style bust: node "Head", viseme_* + jawOpen + mouthOpen,
//                    eyeBlinkLeft/Right morph targets (options drop any of them)
//   makeAvatarVrm()  a VRM 1.0 (or 0.x) figure: the 15 required humanoid bones, expressions
//                    aa/ih/ou/ee/oh and blink bound to morph targets
//   glb(json, bin)   any GLB, for broken-file tests
// Run `npx tsx tests/utils/make-avatar-models.ts <dir>` to write them out and look at them.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { MOUTH, VISEMES, type MouthShape } from '../../digitalhuman/lipsync/visemes'

type Vec3 = [number, number, number]

interface Geometry {
  positions: number[]
  normals: number[]
  indices: number[]
  colors?: number[]
}

interface MeshSpec {
  name: string
  geometry: Geometry
  color: [number, number, number, number]
  /** Morph targets: name → position deltas (same length as positions). */
  targets?: [string, number[]][]
}

/** An ellipsoid (latitude from 0 to `phiMax`: a cap when < π). */
function ellipsoid(c: Vec3, r: Vec3, seg = 28, rings = 18, phiMax = Math.PI): Geometry {
  const g: Geometry = { positions: [], normals: [], indices: [] }
  for (let i = 0; i <= rings; i++) {
    const phi = (i / rings) * phiMax
    for (let j = 0; j <= seg; j++) {
      const th = (j / seg) * Math.PI * 2
      const n: Vec3 = [Math.sin(phi) * Math.sin(th), Math.cos(phi), Math.sin(phi) * Math.cos(th)]
      g.positions.push(c[0] + r[0] * n[0], c[1] + r[1] * n[1], c[2] + r[2] * n[2])
      const m = Math.hypot(n[0] / r[0], n[1] / r[1], n[2] / r[2]) || 1
      g.normals.push(n[0] / r[0] / m, n[1] / r[1] / m, n[2] / r[2] / m)
    }
  }
  for (let i = 0; i < rings; i++) {
    for (let j = 0; j < seg; j++) {
      const a = i * (seg + 1) + j
      const b = a + seg + 1
      g.indices.push(a, b, a + 1, b, b + 1, a + 1)
    }
  }
  return g
}

function merge(...parts: Geometry[]): Geometry {
  const out: Geometry = { positions: [], normals: [], indices: [], colors: [] }
  for (const p of parts) {
    const base = out.positions.length / 3
    out.positions.push(...p.positions)
    out.normals.push(...p.normals)
    out.indices.push(...p.indices.map((i) => i + base))
    out.colors!.push(...(p.colors ?? p.positions.map(() => 1)))
  }
  return out
}

// The head: an ellipsoid centred 0.1 m above the head joint, facing +Z.
const HEAD_C: Vec3 = [0, 0.1, 0]
const HEAD_R: Vec3 = [0.085, 0.11, 0.095]
const MOUTH_C: Vec3 = [0, 0.055, 0]
const EYE_Y = 0.12
const EYE_X = 0.032

/** The head surface's z in front at (x, y), so the mouth disc lies on the face. */
function faceZ(x: number, y: number): number {
  const k = 1 - (x / HEAD_R[0]) ** 2 - ((y - HEAD_C[1]) / HEAD_R[1]) ** 2
  return HEAD_C[2] + HEAD_R[2] * Math.sqrt(Math.max(0.05, k)) + 0.002
}

/** A mouth disc (centre + rim) shaped by a mouth pose: `open` drops it, `width` spreads, `round` narrows. */
function mouthPoints(shape: MouthShape, rim = 24): number[] {
  const halfW = 0.012 + 0.026 * shape.width * (1 - 0.45 * shape.round)
  const halfH = 0.0025 + 0.022 * shape.open + 0.006 * shape.round
  const pts: number[] = []
  const at = (x: number, y: number) => pts.push(x, y, faceZ(x, y))
  at(MOUTH_C[0], MOUTH_C[1] - halfH * 0.3)
  for (let i = 0; i < rim; i++) {
    const a = (i / rim) * Math.PI * 2
    // The lower lip drops further than the upper one rises: a jaw, not a balloon.
    const y = Math.sin(a) > 0 ? Math.sin(a) * halfH * 0.45 : Math.sin(a) * halfH
    at(MOUTH_C[0] + Math.cos(a) * halfW, MOUTH_C[1] + y)
  }
  return pts
}

function mouthGeometry(rest: MouthShape): Geometry {
  const positions = mouthPoints(rest)
  const rim = positions.length / 3 - 1
  const indices: number[] = []
  for (let i = 0; i < rim; i++) indices.push(0, 1 + i, 1 + ((i + 1) % rim))
  return { positions, normals: positions.map((_, i) => (i % 3 === 2 ? 1 : 0)), indices }
}

const delta = (from: number[], to: number[]) => to.map((v, i) => v - from[i])

/** Both eyes, white with a dark iris in front (vertex colours), and their blink targets. */
function eyes(): { geometry: Geometry; left: number[]; right: number[] } {
  const one = (x: number): Geometry => {
    const z = faceZ(x, EYE_Y) - 0.004
    const g = ellipsoid([x, EYE_Y, z], [0.013, 0.011, 0.008], 16, 12)
    g.colors = []
    for (let i = 0; i < g.positions.length; i += 3) {
      const front = (g.positions[i + 2] - z) / 0.008
      const iris = front > 0.72 ? 0.12 : front > 0.6 ? 0.35 : 1
      g.colors.push(iris, iris, iris * 1.05)
    }
    return g
  }
  const geometry = merge(one(EYE_X), one(-EYE_X))
  const half = geometry.positions.length / 2
  // Blink: every vertex of that eye drops to the eye's equator line (lid closed).
  const squash = (fromIndex: number, toIndex: number) =>
    geometry.positions.map((v, i) => (i >= fromIndex && i < toIndex && i % 3 === 1 ? (EYE_Y - v) * 0.92 : 0))
  // The figure faces +Z, so its left eye is at +X.
  return { geometry, left: squash(0, half), right: squash(half, geometry.positions.length) }
}

function headMeshes(opts: { visemes?: boolean; jaw?: boolean; blink?: boolean; vrmVowels?: boolean }): MeshSpec[] {
  const rest = MOUTH.sil
  const mouth = mouthGeometry(rest)
  const target = (shape: MouthShape) => delta(mouth.positions, mouthPoints(shape))
  const mouthTargets: [string, number[]][] = []
  if (opts.visemes) for (const v of VISEMES) mouthTargets.push([`viseme_${v}`, target(MOUTH[v])])
  if (opts.jaw) mouthTargets.push(['jawOpen', target(MOUTH.aa)], ['mouthOpen', target({ open: 0.8, width: 0.5, round: 0 })])
  if (opts.vrmVowels) {
    for (const [name, v] of [
      ['aa', 'aa'],
      ['ih', 'I'],
      ['ou', 'U'],
      ['ee', 'E'],
      ['oh', 'O']
    ] as const)
      mouthTargets.push([name, target(MOUTH[v])])
  }
  const eye = eyes()
  const eyeTargets: [string, number[]][] = opts.blink
    ? [
        ['eyeBlinkLeft', eye.left],
        ['eyeBlinkRight', eye.right]
      ]
    : []
  const hair = ellipsoid([0, 0.115, -0.008], [0.092, 0.11, 0.1], 28, 10, Math.PI * 0.42)
  return [
    {
      name: 'HeadSkin',
      geometry: merge(ellipsoid(HEAD_C, HEAD_R), ellipsoid([0, 0.085, faceZ(0, 0.085) - 0.006], [0.012, 0.018, 0.014], 12, 8)),
      color: [0.96, 0.78, 0.66, 1]
    },
    { name: 'Hair', geometry: hair, color: [0.24, 0.15, 0.1, 1] },
    { name: 'Eyes', geometry: eye.geometry, color: [1, 1, 1, 1], targets: eyeTargets },
    { name: 'Mouth', geometry: mouth, color: [0.5, 0.1, 0.14, 1], targets: mouthTargets }
  ]
}

const BODY_COLOR: [number, number, number, number] = [0.18, 0.36, 0.62, 1]

/** Builds a GLB: accessors and buffer views packed into one BIN chunk. */
class GlbBuilder {
  readonly json: Record<string, any> = {
    asset: { version: '2.0', generator: 'agenta-studio tests/utils/make-avatar-models.ts' },
    scene: 0,
    scenes: [{ nodes: [] }],
    nodes: [],
    meshes: [],
    materials: [],
    accessors: [],
    bufferViews: [],
    buffers: [{ byteLength: 0 }]
  }
  private chunks: Uint8Array[] = []
  private length = 0

  private view(bytes: Uint8Array, target?: number): number {
    const pad = (4 - (this.length % 4)) % 4
    if (pad) this.push(new Uint8Array(pad))
    this.json.bufferViews.push({ buffer: 0, byteOffset: this.length, byteLength: bytes.length, ...(target ? { target } : {}) })
    this.push(bytes)
    return this.json.bufferViews.length - 1
  }

  private push(bytes: Uint8Array) {
    this.chunks.push(bytes)
    this.length += bytes.length
  }

  accessor(values: number[], type: 'VEC3' | 'SCALAR', kind: 'float' | 'index'): number {
    const data = kind === 'index' ? new Uint16Array(values) : new Float32Array(values)
    const bufferView = this.view(new Uint8Array(data.buffer), kind === 'index' ? 34963 : 34962)
    const acc: Record<string, any> = {
      bufferView,
      componentType: kind === 'index' ? 5123 : 5126,
      count: type === 'VEC3' ? values.length / 3 : values.length,
      type
    }
    if (type === 'VEC3') {
      acc.min = [0, 1, 2].map((k) => Math.min(...values.filter((_, i) => i % 3 === k)))
      acc.max = [0, 1, 2].map((k) => Math.max(...values.filter((_, i) => i % 3 === k)))
    }
    this.json.accessors.push(acc)
    return this.json.accessors.length - 1
  }

  mesh(spec: MeshSpec): number {
    this.json.materials.push({ name: spec.name, pbrMetallicRoughness: { baseColorFactor: spec.color, metallicFactor: 0, roughnessFactor: 0.8 } })
    const g = spec.geometry
    const attributes: Record<string, number> = { POSITION: this.accessor(g.positions, 'VEC3', 'float'), NORMAL: this.accessor(g.normals, 'VEC3', 'float') }
    if (g.colors) attributes.COLOR_0 = this.accessor(g.colors, 'VEC3', 'float')
    const primitive: Record<string, any> = { attributes, indices: this.accessor(g.indices, 'SCALAR', 'index'), material: this.json.materials.length - 1 }
    const mesh: Record<string, any> = { name: spec.name, primitives: [primitive] }
    if (spec.targets?.length) {
      primitive.targets = spec.targets.map(([, d]) => ({ POSITION: this.accessor(d, 'VEC3', 'float') }))
      mesh.weights = spec.targets.map(() => 0)
      mesh.extras = { targetNames: spec.targets.map(([n]) => n) }
    }
    this.json.meshes.push(mesh)
    return this.json.meshes.length - 1
  }

  node(node: Record<string, any>, parent?: number): number {
    this.json.nodes.push(node)
    const index = this.json.nodes.length - 1
    if (parent === undefined) this.json.scenes[0].nodes.push(index)
    else (this.json.nodes[parent].children ??= []).push(index)
    return index
  }

  build(): Uint8Array {
    const bin = new Uint8Array(this.length)
    let o = 0
    for (const c of this.chunks) {
      bin.set(c, o)
      o += c.length
    }
    this.json.buffers[0].byteLength = bin.length
    return glb(this.json, bin)
  }
}

/** A GLB file from its JSON and BIN chunk (padding as the spec asks). */
export function glb(json: unknown, bin?: Uint8Array): Uint8Array {
  let text = new TextEncoder().encode(JSON.stringify(json))
  const jsonPad = (4 - (text.length % 4)) % 4
  text = Uint8Array.from([...text, ...new Array(jsonPad).fill(0x20)])
  const binPadded = bin ? Uint8Array.from([...bin, ...new Array((4 - (bin.length % 4)) % 4).fill(0)]) : undefined
  const total = 12 + 8 + text.length + (binPadded ? 8 + binPadded.length : 0)
  const out = new Uint8Array(total)
  const view = new DataView(out.buffer)
  view.setUint32(0, 0x46546c67, true)
  view.setUint32(4, 2, true)
  view.setUint32(8, total, true)
  view.setUint32(12, text.length, true)
  view.setUint32(16, 0x4e4f534a, true)
  out.set(text, 20)
  if (binPadded) {
    const at = 20 + text.length
    view.setUint32(at, binPadded.length, true)
    view.setUint32(at + 4, 0x004e4942, true)
    out.set(binPadded, at + 8)
  }
  return out
}

export interface GlbAvatarOptions {
  /** viseme_* morph targets (default true). */
  visemes?: boolean
  /** jawOpen and mouthOpen (default true). */
  jaw?: boolean
  /** eyeBlinkLeft/Right (default true). */
  blink?: boolean
}

/** A TalkingHead-style bust: node "Head" with the face meshes, a neck and shoulders. */
export function makeAvatarGlb(opts: GlbAvatarOptions = {}): Uint8Array {
  const b = new GlbBuilder()
  const root = b.node({ name: 'Armature' })
  b.node(
    {
      name: 'Shoulders',
      mesh: b.mesh({
        name: 'Body',
        geometry: merge(ellipsoid([0, 1.36, 0], [0.2, 0.08, 0.1]), ellipsoid([0, 1.47, -0.01], [0.045, 0.07, 0.045])),
        color: BODY_COLOR
      })
    },
    root
  )
  const head = b.node({ name: 'Head', translation: [0, 1.52, 0] }, root)
  for (const spec of headMeshes({ visemes: opts.visemes ?? true, jaw: opts.jaw ?? true, blink: opts.blink ?? true })) {
    b.node({ name: spec.name, mesh: b.mesh(spec) }, head)
  }
  return b.build()
}

export interface VrmAvatarOptions {
  version?: '1.0' | '0.x'
  /** aa only (a loudness-style mouth) instead of aa/ih/ou/ee/oh. */
  aaOnly?: boolean
  blink?: boolean
}

// A 1.6 m figure: [bone, parent, local translation]. The head joint is at 1.5 m.
const BONES: [string, string | undefined, Vec3][] = [
  ['hips', undefined, [0, 0.95, 0]],
  ['spine', 'hips', [0, 0.1, 0]],
  ['chest', 'spine', [0, 0.15, 0]],
  ['neck', 'chest', [0, 0.2, 0]],
  ['head', 'neck', [0, 0.1, 0]],
  ['leftUpperArm', 'chest', [0.18, 0.17, 0]],
  ['leftLowerArm', 'leftUpperArm', [0.26, 0, 0]],
  ['leftHand', 'leftLowerArm', [0.24, 0, 0]],
  ['rightUpperArm', 'chest', [-0.18, 0.17, 0]],
  ['rightLowerArm', 'rightUpperArm', [-0.26, 0, 0]],
  ['rightHand', 'rightLowerArm', [-0.24, 0, 0]],
  ['leftUpperLeg', 'hips', [0.09, -0.05, 0]],
  ['leftLowerLeg', 'leftUpperLeg', [0, -0.42, 0]],
  ['leftFoot', 'leftLowerLeg', [0, -0.42, 0]],
  ['rightUpperLeg', 'hips', [-0.09, -0.05, 0]],
  ['rightLowerLeg', 'rightUpperLeg', [0, -0.42, 0]],
  ['rightFoot', 'rightLowerLeg', [0, -0.42, 0]]
]

/** A VRM figure (bones, a torso, the head meshes) with mouth and blink expressions. */
export function makeAvatarVrm(opts: VrmAvatarOptions = {}): Uint8Array {
  const v0 = opts.version === '0.x'
  const b = new GlbBuilder()
  const root = b.node({ name: 'Root' })
  const bone: Record<string, number> = {}
  for (const [name, parent, t] of BONES) {
    // VRM 0.x faces -Z: mirror the figure (x and z) so its face points the 0.x way.
    const translation = v0 ? [-t[0], t[1], -t[2]] : t
    bone[name] = b.node({ name: `J_${name}`, translation }, parent ? bone[parent] : root)
  }
  const flip = (g: Geometry): Geometry =>
    v0 ? { ...g, positions: g.positions.map((v, i) => (i % 3 === 1 ? v : -v)), normals: g.normals.map((v, i) => (i % 3 === 1 ? v : -v)) } : g
  const torso = b.mesh({
    name: 'Torso',
    geometry: flip(merge(ellipsoid([0, 0.18, 0], [0.19, 0.28, 0.1]), ellipsoid([0, 0.47, -0.01], [0.045, 0.1, 0.045]))),
    color: BODY_COLOR
  })
  b.node({ name: 'Torso', mesh: torso }, bone.spine)
  const meshNode: Record<string, { node: number; mesh: number; names: string[] }> = {}
  for (const spec of headMeshes({ vrmVowels: true, blink: opts.blink ?? true })) {
    const flipped = {
      ...spec,
      geometry: flip(spec.geometry),
      targets: spec.targets?.map(([n, d]): [string, number[]] => [n, v0 ? d.map((v, i) => (i % 3 === 1 ? v : -v)) : d])
    }
    const mesh = b.mesh(flipped)
    meshNode[spec.name] = { node: b.node({ name: spec.name, mesh }, bone.head), mesh, names: (spec.targets ?? []).map(([n]) => n) }
  }
  const binds = (meshName: string, ...targets: string[]) => targets.map((t) => ({ ...meshNode[meshName], index: meshNode[meshName].names.indexOf(t) }))
  const expressions: [string, { node: number; mesh: number; index: number }[]][] = [['aa', binds('Mouth', 'aa')]]
  if (!opts.aaOnly) for (const v of ['ih', 'ou', 'ee', 'oh']) expressions.push([v, binds('Mouth', v)])
  if (opts.blink ?? true) {
    expressions.push(
      ['blink', binds('Eyes', 'eyeBlinkLeft', 'eyeBlinkRight')],
      ['blinkLeft', binds('Eyes', 'eyeBlinkLeft')],
      ['blinkRight', binds('Eyes', 'eyeBlinkRight')]
    )
  }

  if (v0) {
    const preset: Record<string, string> = { aa: 'a', ih: 'i', ou: 'u', ee: 'e', oh: 'o', blink: 'blink', blinkLeft: 'blink_l', blinkRight: 'blink_r' }
    b.json.extensionsUsed = ['VRM']
    b.json.extensions = {
      VRM: {
        exporterVersion: 'agenta-studio-tests',
        specVersion: '0.0',
        meta: {
          title: 'Test avatar',
          version: '1',
          author: 'Agenta Studio tests',
          allowedUserName: 'Everyone',
          violentUssageName: 'Disallow',
          sexualUssageName: 'Disallow',
          commercialUssageName: 'Allow',
          licenseName: 'CC0'
        },
        humanoid: { humanBones: Object.entries(bone).map(([name, node]) => ({ bone: name, node, useDefaultValues: true })) },
        blendShapeMaster: {
          blendShapeGroups: expressions.map(([name, bs]) => ({
            name,
            presetName: preset[name],
            isBinary: false,
            binds: bs.map((x) => ({ mesh: x.mesh, index: x.index, weight: 100 })),
            materialValues: []
          }))
        },
        firstPerson: {
          firstPersonBone: bone.head,
          firstPersonBoneOffset: { x: 0, y: 0.06, z: 0 },
          meshAnnotations: [],
          lookAtTypeName: 'Bone',
          ...Object.fromEntries(
            ['lookAtHorizontalInner', 'lookAtHorizontalOuter', 'lookAtVerticalDown', 'lookAtVerticalUp'].map((k) => [
              k,
              { curve: [0, 0, 0, 1, 1, 1, 1, 0], xRange: 90, yRange: 10 }
            ])
          )
        },
        materialProperties: []
      }
    }
  } else {
    b.json.extensionsUsed = ['VRMC_vrm']
    b.json.extensions = {
      VRMC_vrm: {
        specVersion: '1.0',
        meta: {
          name: 'Test avatar',
          version: '1',
          authors: ['Agenta Studio tests'],
          licenseUrl: 'https://vrm.dev/licenses/1.0/',
          avatarPermission: 'everyone',
          commercialUsage: 'corporation',
          allowRedistribution: true
        },
        humanoid: { humanBones: Object.fromEntries(Object.entries(bone).map(([name, node]) => [name, { node }])) },
        expressions: {
          preset: Object.fromEntries(
            expressions.map(([name, bs]) => [name, { isBinary: false, morphTargetBinds: bs.map((x) => ({ node: x.node, index: x.index, weight: 1 })) }])
          )
        },
        lookAt: { type: 'bone', offsetFromHeadBone: [0, 0.12, 0] }
      }
    }
  }
  return b.build()
}

// As a script: write the fixtures to a folder to open them in a viewer.
if (process.argv[1]?.endsWith('make-avatar-models.ts')) {
  const dir = process.argv[2] ?? 'test-results/avatar-models'
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'avatar.glb'), makeAvatarGlb())
  writeFileSync(join(dir, 'avatar-jaw.glb'), makeAvatarGlb({ visemes: false }))
  writeFileSync(join(dir, 'avatar-1.0.vrm'), makeAvatarVrm())
  writeFileSync(join(dir, 'avatar-0.x.vrm'), makeAvatarVrm({ version: '0.x' }))
  console.log(`wrote ${dir}/avatar.glb, avatar-jaw.glb, avatar-1.0.vrm, avatar-0.x.vrm`)
}
