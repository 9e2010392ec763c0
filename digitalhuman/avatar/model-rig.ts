// A loaded GLB/VRM scene's face controls: which morph targets or VRM expressions move the mouth
// and the eyelids, setting them, and reading back how far the mouth actually is open (from the
// meshes' morph influences, after VRM expressions were applied). Also where the head is, for the
// camera and the idle motion. Browser only (three.js objects), no rendering.
import * as THREE from 'three'
import type { VRM } from '@pixiv/three-vrm'
import { AvatarModelError, HEAD_NODE, type LipRig } from './model-file'
import { controlOpenness, mouthControlNames } from './morph-lips'

interface MorphRef {
  mesh: THREE.Mesh
  index: number
}

/** A mouth channel for measuring: a morph influence and how far weight 1 opens the mouth. */
interface Channel extends MorphRef {
  open: number
}

export interface FaceRig {
  lips: LipRig
  /** The mouth controls this model has. */
  mouth: string[]
  has(name: string): boolean
  setMouth(name: string, weight: number): void
  /** 0..1 for both eyes; false when the model cannot blink. */
  readonly canBlink: boolean
  setBlink(weight: number): void
  /** How far the mouth is open now (0..1), read from the meshes' morph influences. */
  measureOpen(): number
  /** The meshes the mouth moves (the face), for framing. */
  readonly faceMeshes: THREE.Mesh[]
}

const BLINK_MORPHS = ['eyeBlinkLeft', 'eyeBlinkRight']

function morphIndex(root: THREE.Object3D): Map<string, MorphRef[]> {
  const refs = new Map<string, MorphRef[]>()
  root.traverse((o) => {
    const mesh = o as THREE.Mesh
    if (!mesh.isMesh || !mesh.morphTargetDictionary || !mesh.morphTargetInfluences) return
    for (const [name, index] of Object.entries(mesh.morphTargetDictionary)) {
      if (!refs.has(name)) refs.set(name, [])
      refs.get(name)!.push({ mesh, index })
    }
  })
  return refs
}

/** The face controls of a loaded model; `lips` is what inspectAvatarModel found in its JSON. */
export function faceRig(root: THREE.Object3D, vrm: VRM | undefined, lips: LipRig): FaceRig {
  const morphs = morphIndex(root)
  const setMorph = (name: string, w: number) => {
    for (const r of morphs.get(name) ?? []) r.mesh.morphTargetInfluences![r.index] = w
  }
  const expressions = vrm?.expressionManager
  const vrmLips = lips === 'vrm-vowels' || lips === 'vrm-aa'
  if (vrmLips && !expressions) throw new AvatarModelError('load', 'The VRM could not be read as a VRM (no expressions were loaded).')

  const mouth = mouthControlNames(lips).filter((n) => (vrmLips ? !!expressions!.getExpression(n) : morphs.has(n)))
  if (!mouth.length) {
    throw new AvatarModelError(
      'no-mouth',
      'The avatar cannot move its lips: three.js found none of its mouth morph targets (are the target names in mesh.extras.targetNames?).'
    )
  }

  const channels: Channel[] = []
  for (const name of mouth) {
    const open = controlOpenness(name)
    if (!vrmLips) for (const r of morphs.get(name)!) channels.push({ ...r, open })
    else {
      for (const bind of expressions!.getExpression(name)!.binds) {
        // Morph target binds only (material colour binds do not open a mouth); weight 1 of the
        // expression sets the morph to bind.weight.
        const b = bind as Partial<{ primitives: THREE.Mesh[]; index: number; weight: number }>
        if (!b.primitives || b.index === undefined || !b.weight) continue
        for (const mesh of b.primitives) channels.push({ mesh, index: b.index, open: open / b.weight })
      }
    }
  }

  const vrmBlink = !!expressions?.getExpression('blink')
  const morphBlink = BLINK_MORPHS.filter((n) => morphs.has(n))
  return {
    lips,
    mouth,
    has: (name) => mouth.includes(name),
    setMouth: (name, w) => (vrmLips ? expressions!.setValue(name, w) : setMorph(name, w)),
    canBlink: vrmBlink || morphBlink.length > 0,
    setBlink(w) {
      if (vrmBlink) expressions!.setValue('blink', w)
      else for (const n of morphBlink) setMorph(n, w)
    },
    faceMeshes: [...new Set(channels.map((c) => c.mesh))],
    measureOpen() {
      let open = 0
      for (const c of channels) open = Math.max(open, (c.mesh.morphTargetInfluences![c.index] ?? 0) * c.open)
      return Math.min(1, open)
    }
  }
}

export interface HeadFrame {
  /** The middle of the head (world). */
  center: THREE.Vector3
  /** The head's height (world units). */
  size: number
  /** What turns for idle motion: the head bone (VRM normalized), a "Head" node, or the model. */
  pivot: THREE.Object3D
}

/**
 * Where the head is: meshes hanging from a head node (a bust), else the meshes the mouth moves
 * (a separate face mesh, as in Ready Player Me or VRoid models), else the head joint of a skinned
 * figure (VRM humanoid head, a node named like "Head") with a head of 1/7.5 of the body, else the
 * top of the model.
 */
export function findHead(root: THREE.Object3D, vrm: VRM | undefined, faceMeshes: THREE.Object3D[]): HeadFrame {
  root.updateMatrixWorld(true)
  const model = new THREE.Box3().setFromObject(root)
  const height = model.isEmpty() ? 1 : model.max.y - model.min.y
  const estimate = Math.max(height / 7.5, 0.05)
  // A bust's head is about half of it; a face mesh that is the whole body says nothing.
  const small = (box: THREE.Box3, share: number) => !box.isEmpty() && box.max.y - box.min.y < height * share
  const frame = (box: THREE.Box3, pivot: THREE.Object3D): HeadFrame => ({
    center: box.getCenter(new THREE.Vector3()),
    size: Math.max(box.max.y - box.min.y, (box.max.x - box.min.x) * 0.9),
    pivot
  })

  const bone = vrm?.humanoid?.getRawBoneNode('head') ?? undefined
  let node: THREE.Object3D | undefined = bone
  if (!node) root.traverse((o) => void (!node && HEAD_NODE.test(o.name) && (node = o)))
  const pivot = vrm?.humanoid?.getNormalizedBoneNode('head') ?? node ?? root

  if (node) {
    const own = new THREE.Box3()
    node.traverse((o) => {
      const mesh = o as THREE.Mesh
      if (mesh.isMesh && !(mesh as THREE.SkinnedMesh).isSkinnedMesh) own.expandByObject(mesh)
    })
    if (small(own, 0.9)) return frame(own, pivot)
  }
  const face = new THREE.Box3()
  for (const mesh of faceMeshes) face.expandByObject(mesh)
  if (small(face, 0.6)) return frame(face, pivot)
  if (node) {
    // A skinned model: the head joint sits at the skull's base.
    const joint = node.getWorldPosition(new THREE.Vector3())
    return { center: joint.add(new THREE.Vector3(0, estimate * 0.45, 0)), size: estimate, pivot }
  }
  const center = model.isEmpty()
    ? new THREE.Vector3()
    : new THREE.Vector3((model.min.x + model.max.x) / 2, model.max.y - estimate / 2, (model.min.z + model.max.z) / 2)
  return { center, size: estimate, pivot }
}

/** Puts the camera in front of the head (+Z), the head and a little of the shoulders in view. */
export function frameHead(camera: THREE.PerspectiveCamera, head: HeadFrame): void {
  const half = THREE.MathUtils.degToRad(camera.fov / 2)
  const tall = head.size * 2.1
  const wide = head.size * 1.7
  const distance = Math.max(tall / 2 / Math.tan(half), wide / 2 / (Math.tan(half) * camera.aspect))
  const target = head.center.clone().add(new THREE.Vector3(0, -head.size * 0.3, 0))
  camera.position.copy(target).add(new THREE.Vector3(0, head.size * 0.1, distance))
  camera.near = distance / 50
  camera.far = distance * 50
  camera.lookAt(target)
  camera.updateProjectionMatrix()
}
