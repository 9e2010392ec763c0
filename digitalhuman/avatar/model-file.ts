// What an operator's avatar file (GLB or VRM) offers the lips and eyes, read from the bytes alone:
// the GLB header and chunks, the glTF JSON, VRM 0.x (`VRM`) or 1.0 (`VRMC_vrm`) extensions, the
// morph target names three.js will see (`mesh.extras.targetNames`) and the VRM expressions. Pure
// TypeScript: the server refuses a bad upload with it (a 4xx saying what is missing) and the 3D
// avatar checks a file with it before handing it to three.js. Errors carry a `kind` the caller
// can act on; the message says what to fix.
import { VISEMES, type Viseme } from '../lipsync/visemes'
import { AvatarModelError } from './model-error'

export { AvatarModelError, type AvatarModelErrorKind } from './model-error'

export type VrmVowel = 'aa' | 'ih' | 'ou' | 'ee' | 'oh'
export const VRM_VOWELS: readonly VrmVowel[] = ['aa', 'ih', 'ou', 'ee', 'oh']

/**
 * How the lips move: `visemes` (viseme_* morph targets take the text track), `jaw` (only
 * jawOpen / mouthOpen: loudness-style opening), `vrm-vowels` (VRM aa/ih/ou/ee/oh expressions),
 * `vrm-aa` (a VRM with only `aa`: opening only).
 */
export type LipRig = 'visemes' | 'jaw' | 'vrm-vowels' | 'vrm-aa'

export interface AvatarModelInfo {
  format: 'glb' | 'vrm'
  vrmVersion?: '0.x' | '1.0'
  lips: LipRig
  /** The Oculus visemes with a `viseme_<name>` morph target. */
  visemes: Viseme[]
  /** `jawOpen` / `mouthOpen` morph targets present. */
  jaw: string[]
  /** VRM vowel expressions that move something. */
  vowels: VrmVowel[]
  /** Eyes can blink (eyeBlinkLeft/Right morph targets or a VRM blink expression). */
  blink: boolean
  /** A head bone or node to frame (else the face meshes or the top of the model are framed). */
  head: boolean
  /** Every morph target name three.js will see, once each. */
  morphTargets: string[]
  /** What the operator may want to fix; the avatar works without it. */
  warnings: string[]
}

const GLB_MAGIC = 0x46546c67 // "glTF"
const CHUNK_JSON = 0x4e4f534a // "JSON"
const JAW = ['jawOpen', 'mouthOpen']
const BLINK = ['eyeBlinkLeft', 'eyeBlinkRight', 'eyesClosed']
// three's GLTFLoader cannot read these without decoders/transcoders this avatar does not ship.
const UNSUPPORTED_REQUIRED: Record<string, string> = {
  KHR_draco_mesh_compression: 'Draco mesh compression: export it again without Draco',
  KHR_texture_basisu: 'KTX2/Basis textures: export it again with PNG or JPEG textures'
}
/** VRM 0.x preset names → the VRM 1.0 names three-vrm uses. */
const VRM0_PRESETS: Record<string, string> = { a: 'aa', i: 'ih', u: 'ou', e: 'ee', o: 'oh', blink: 'blink', blink_l: 'blinkLeft', blink_r: 'blinkRight' }
/** The humanoid bones three-vrm refuses to load without. */
const VRM_REQUIRED_BONES = [
  'hips',
  'spine',
  'head',
  'leftUpperLeg',
  'leftLowerLeg',
  'leftFoot',
  'rightUpperLeg',
  'rightLowerLeg',
  'rightFoot',
  'leftUpperArm',
  'leftLowerArm',
  'leftHand',
  'rightUpperArm',
  'rightLowerArm',
  'rightHand'
]
const VRM1_LICENSE = 'https://vrm.dev/licenses/1.0/'
/** A head bone or node by name: Head, mixamorig:Head, J_Bip_C_Head, head (not HeadTop_End). */
export const HEAD_NODE = /(^|[^a-z])head$/i

type Json = Record<string, any>

/** The glTF JSON of a GLB file; throws AvatarModelError (not-glb, unsupported, corrupt). */
export function readGlbJson(bytes: Uint8Array): Json {
  if (bytes.length < 20) throw new AvatarModelError('not-glb', `Not a GLB or VRM file: only ${bytes.length} bytes.`)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (view.getUint32(0, true) !== GLB_MAGIC) {
    const text = new TextDecoder().decode(bytes.subarray(0, 64)).trimStart()
    const hint = text.startsWith('{') ? ' It looks like a text .gltf: export a binary .glb (embedded buffers and textures).' : ''
    throw new AvatarModelError('not-glb', `Not a GLB or VRM file (no "glTF" header).${hint}`)
  }
  const version = view.getUint32(4, true)
  if (version !== 2) throw new AvatarModelError('unsupported', `glTF version ${version} is not supported: export it as glTF 2.0.`)
  const length = view.getUint32(8, true)
  if (length !== bytes.length) {
    throw new AvatarModelError(
      'corrupt',
      `The file is ${length > bytes.length ? 'cut short' : 'longer than its header says'}: the header says ${length} bytes, the file has ${bytes.length}.`
    )
  }
  const jsonLength = view.getUint32(12, true)
  if (view.getUint32(16, true) !== CHUNK_JSON) throw new AvatarModelError('corrupt', 'The first chunk of the GLB is not its JSON.')
  if (20 + jsonLength > bytes.length) throw new AvatarModelError('corrupt', 'The JSON chunk runs past the end of the file.')
  let json: unknown
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(20, 20 + jsonLength)))
  } catch (err) {
    throw new AvatarModelError('corrupt', `The glTF JSON cannot be read: ${(err as Error).message}`)
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new AvatarModelError('corrupt', 'The glTF JSON is not an object.')
  const asset = (json as Json).asset
  if (!asset || typeof asset.version !== 'string') throw new AvatarModelError('corrupt', 'The glTF JSON has no asset.version.')
  if (!asset.version.startsWith('2.')) throw new AvatarModelError('unsupported', `glTF version ${asset.version} is not supported: export it as glTF 2.0.`)
  return json as Json
}

const list = (v: unknown): any[] => (Array.isArray(v) ? v : [])

/** Morph target names per mesh, as three's GLTFLoader names them (only when the count matches). */
function meshTargetNames(mesh: Json): string[] {
  const names = list(mesh?.extras?.targetNames).filter((n): n is string => typeof n === 'string')
  const count = list(list(mesh?.primitives)[0]?.targets).length
  return names.length === count ? names : []
}

/** VRM expressions (1.0 names) that move something: morph targets, material colours or UVs. */
function vrmExpressions(json: Json): { version: '0.x' | '1.0'; names: Set<string>; head: boolean } | undefined {
  const v1 = json.extensions?.VRMC_vrm
  if (v1 && typeof v1 === 'object') {
    if (v1.meta?.licenseUrl !== VRM1_LICENSE) throw new AvatarModelError('corrupt', `The VRM 1.0 meta must have licenseUrl "${VRM1_LICENSE}".`)
    const bones = v1.humanoid?.humanBones ?? {}
    const missing = VRM_REQUIRED_BONES.filter((b) => !Number.isInteger(bones[b]?.node))
    if (missing.length) throw new AvatarModelError('corrupt', `The VRM lacks required humanoid bones: ${missing.join(', ')}.`)
    const names = new Set<string>()
    for (const group of [v1.expressions?.preset, v1.expressions?.custom]) {
      for (const [name, e] of Object.entries<Json>(group && typeof group === 'object' ? group : {})) {
        if (list(e?.morphTargetBinds).length || list(e?.materialColorBinds).length || list(e?.textureTransformBinds).length) names.add(name)
      }
    }
    return { version: '1.0', names, head: true }
  }
  const v0 = json.extensions?.VRM
  if (v0 && typeof v0 === 'object') {
    const bones = new Set(
      list(v0.humanoid?.humanBones)
        .filter((b) => Number.isInteger(b?.node))
        .map((b) => b.bone)
    )
    const missing = VRM_REQUIRED_BONES.filter((b) => !bones.has(b))
    if (missing.length) throw new AvatarModelError('corrupt', `The VRM lacks required humanoid bones: ${missing.join(', ')}.`)
    const names = new Set<string>()
    for (const g of list(v0.blendShapeMaster?.blendShapeGroups)) {
      if (!list(g?.binds).length && !list(g?.materialValues).length) continue
      const preset = typeof g.presetName === 'string' ? g.presetName.toLowerCase() : ''
      names.add(Object.hasOwn(VRM0_PRESETS, preset) ? VRM0_PRESETS[preset] : typeof g.name === 'string' ? g.name : preset)
    }
    return { version: '0.x', names, head: true }
  }
  return undefined
}

/**
 * Checks an avatar file and says what its lips and eyes can do. Throws AvatarModelError when the
 * avatar cannot use it (not-glb, corrupt, unsupported, no-mesh, no-mouth).
 */
export function inspectAvatarModel(bytes: Uint8Array): AvatarModelInfo {
  const json = readGlbJson(bytes)
  for (const ext of list(json.extensionsRequired)) {
    if (typeof ext === 'string' && Object.hasOwn(UNSUPPORTED_REQUIRED, ext))
      throw new AvatarModelError('unsupported', `The file needs ${UNSUPPORTED_REQUIRED[ext]}.`)
  }
  const meshes = list(json.meshes)
  if (!meshes.length) throw new AvatarModelError('no-mesh', 'The file has no mesh to show.')

  const morphs = new Set<string>()
  for (const mesh of meshes) for (const name of meshTargetNames(mesh)) morphs.add(name)
  const visemes = VISEMES.filter((v) => morphs.has(`viseme_${v}`))
  const jaw = JAW.filter((n) => morphs.has(n))
  const vrm = vrmExpressions(json)
  const vowels = vrm ? VRM_VOWELS.filter((v) => vrm.names.has(v)) : []
  const head = (vrm?.head ?? false) || list(json.nodes).some((n) => typeof n?.name === 'string' && HEAD_NODE.test(n.name))
  const blink = BLINK.some((n) => morphs.has(n)) || (!!vrm && ['blink', 'blinkLeft', 'blinkRight'].some((n) => vrm.names.has(n)))

  // VRM expressions first (they are the format's own lips); viseme morphs inside a VRM work too.
  const speaking = visemes.filter((v) => v !== 'sil')
  const lips: LipRig | undefined = vowels.some((v) => v !== 'aa')
    ? 'vrm-vowels'
    : speaking.length
      ? 'visemes'
      : vowels.includes('aa')
        ? 'vrm-aa'
        : jaw.length
          ? 'jaw'
          : undefined
  if (!lips) {
    const what = vrm
      ? `no VRM mouth expression (aa, ih, ou, ee, oh) with a bind and no viseme_* or jawOpen/mouthOpen morph target`
      : `no viseme_* morph targets (viseme_aa, viseme_O, …) and no jawOpen or mouthOpen`
    const found = morphs.size
      ? ` It has ${morphs.size} morph target${morphs.size > 1 ? 's' : ''}: ${[...morphs].slice(0, 12).join(', ')}${morphs.size > 12 ? ', …' : ''}.`
      : ' It has no named morph targets.'
    throw new AvatarModelError('no-mouth', `The avatar cannot move its lips: ${what}.${found}`)
  }

  const warnings: string[] = []
  if (lips === 'visemes') {
    const missing = VISEMES.filter((v) => v !== 'sil' && !visemes.includes(v))
    if (missing.length) warnings.push(`Missing viseme morph targets (those sounds will not show): ${missing.map((v) => `viseme_${v}`).join(', ')}.`)
  } else if (lips === 'vrm-vowels') {
    const missing = VRM_VOWELS.filter((v) => !vowels.includes(v))
    if (missing.length) warnings.push(`Missing VRM mouth expressions: ${missing.join(', ')}.`)
  } else {
    warnings.push('The mouth only opens and closes (no viseme_* morph targets or VRM ih/ou/ee/oh): the lips will not form the sounds.')
  }
  if (!blink) warnings.push('The eyes will not blink: no eyeBlinkLeft/eyeBlinkRight morph targets or VRM blink expression.')
  if (!head) warnings.push('No head bone or node named "Head": the camera frames the face meshes instead.')

  return {
    format: vrm ? 'vrm' : 'glb',
    ...(vrm ? { vrmVersion: vrm.version } : {}),
    lips,
    visemes,
    jaw,
    vowels,
    blink,
    head,
    morphTargets: [...morphs],
    warnings
  }
}
