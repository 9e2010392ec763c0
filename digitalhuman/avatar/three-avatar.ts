// An operator's own 3D avatar: a GLB with TalkingHead-style morph targets (viseme_*, jawOpen /
// mouthOpen, eyeBlinkLeft/Right) or a VRM 0.x / 1.0 (expressions aa ih ou ee oh, blink), drawn
// with three.js. The handle has the SVG avatar's shape (states, follow(audio, lips), stop()), so
// the AvatarSpeaker drives either. Loaded on demand (./model-avatar imports it dynamically):
// three.js and three-vrm stay out of the page bundle of anyone using the built-in avatar.
import * as THREE from 'three'
import { GLTFLoader } from 'three/addons/loaders/GLTFLoader.js'
import { VRMLoaderPlugin, VRMUtils, type VRM } from '@pixiv/three-vrm'
import type { MouthPose } from '../lipsync/track'
import { lipTargetAt, type AvatarState, type LipSource, type SpeakingAvatar } from './avatar-handle'
import { AvatarModelError, inspectAvatarModel, type AvatarModelInfo } from './model-file'
import { ease, mouthControls } from './morph-lips'
import { faceRig, findHead, frameHead } from './model-rig'

export interface ThreeAvatarOptions {
  /** Where the file is (the registry's download URL). */
  url?: string
  /** Or the file itself (a preview before upload). */
  bytes?: ArrayBuffer | Uint8Array
  /** What the operator said it is; the file's own extensions decide (a VRM is a GLB with VRM extensions). */
  format?: 'glb' | 'vrm'
  /** Accessible name of the picture. */
  label?: string
}

export interface ThreeAvatarHandle extends SpeakingAvatar {
  /** A <div> holding the canvas; carries data-state, data-mouth-open, data-viseme, data-format, data-lips. */
  readonly element: HTMLDivElement
  /** What the file offers (format, lips, blink, warnings for the operator). */
  readonly info: AvatarModelInfo
}

/** Pseudo-random blink gaps (2–6 s), as the 2D avatar's. */
function blinkGaps(seed: number): () => number {
  let s = seed
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff
    return 2 + (s / 0x7fffffff) * 4
  }
}

async function fileBytes(opts: ThreeAvatarOptions): Promise<Uint8Array> {
  if (opts.bytes) return opts.bytes instanceof Uint8Array ? opts.bytes : new Uint8Array(opts.bytes)
  if (!opts.url) throw new AvatarModelError('fetch', 'No avatar file was given (no url).')
  let res: Response
  try {
    res = await fetch(opts.url)
  } catch (err) {
    throw new AvatarModelError('fetch', `The avatar file could not be downloaded from ${opts.url}: ${(err as Error).message}`)
  }
  if (!res.ok) throw new AvatarModelError('fetch', `The avatar file could not be downloaded from ${opts.url}: HTTP ${res.status}.`)
  return new Uint8Array(await res.arrayBuffer())
}

function makeRenderer(canvas: HTMLCanvasElement): THREE.WebGLRenderer {
  // three.js needs WebGL 2; ask first so a missing one is a clear error, not an exception deep inside.
  const gl = canvas.getContext('webgl2', { antialias: true, alpha: true, premultipliedAlpha: true })
  if (!gl) throw new AvatarModelError('webgl', 'This browser or display has no WebGL 2, so a 3D avatar cannot be drawn (is hardware acceleration off?).')
  try {
    const renderer = new THREE.WebGLRenderer({ canvas, context: gl, antialias: true, alpha: true })
    renderer.setClearColor(0x000000, 0)
    return renderer
  } catch (err) {
    throw new AvatarModelError('webgl', `WebGL could not start: ${(err as Error).message}`)
  }
}

async function parseModel(bytes: Uint8Array): Promise<{ scene: THREE.Group; vrm?: VRM }> {
  const loader = new GLTFLoader()
  loader.register((parser) => new VRMLoaderPlugin(parser))
  const buffer = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? (bytes.buffer as ArrayBuffer) : (bytes.slice().buffer as ArrayBuffer)
  try {
    const gltf = await loader.parseAsync(buffer, '')
    const vrm = gltf.userData.vrm as VRM | undefined
    return { scene: gltf.scene, vrm }
  } catch (err) {
    throw new AvatarModelError('load', `three.js could not read the avatar file: ${(err as Error).message ?? err}`)
  }
}

/**
 * Loads a GLB/VRM avatar into `container` (which it fills). Rejects with AvatarModelError (kind
 * webgl, fetch, not-glb, corrupt, unsupported, no-mesh, no-mouth, load) and leaves the container
 * empty, so the caller can mount the built-in avatar instead.
 */
export async function createThreeAvatar(container: HTMLElement, opts: ThreeAvatarOptions): Promise<ThreeAvatarHandle> {
  const element = document.createElement('div')
  element.style.cssText = 'position:relative;width:100%;height:100%'
  element.setAttribute('role', 'img')
  element.setAttribute('aria-label', opts.label ?? 'digital human')
  element.dataset.avatar = '3d'
  const canvas = document.createElement('canvas')
  canvas.style.cssText = 'display:block;width:100%;height:100%'
  element.append(canvas)

  let renderer: THREE.WebGLRenderer | undefined
  let scene: THREE.Group | undefined
  try {
    renderer = makeRenderer(canvas)
    const bytes = await fileBytes(opts)
    const info = inspectAvatarModel(bytes)
    const model = await parseModel(bytes)
    scene = model.scene
    const { vrm } = model
    if (info.format === 'vrm' && !vrm) throw new AvatarModelError('load', 'The VRM could not be read as a VRM (its meta or humanoid was refused).')
    if (vrm) {
      VRMUtils.rotateVRM0(vrm)
      VRMUtils.combineSkeletons(scene)
    }
    // Skinned and morphed meshes keep their rest-pose bounds: never cull them away.
    scene.traverse((o) => void (o.frustumCulled = false))
    const rig = faceRig(scene, vrm, info.lips)
    container.append(element)
    return start(element, renderer, scene, vrm, rig, info)
  } catch (err) {
    if (scene) VRMUtils.deepDispose(scene)
    renderer?.dispose()
    element.remove()
    throw err instanceof AvatarModelError ? err : new AvatarModelError('load', `The avatar could not be shown: ${(err as Error)?.message ?? err}`)
  }
}

function start(
  element: HTMLDivElement,
  renderer: THREE.WebGLRenderer,
  model: THREE.Group,
  vrm: VRM | undefined,
  rig: ReturnType<typeof faceRig>,
  info: AvatarModelInfo
): ThreeAvatarHandle {
  const scene = new THREE.Scene()
  scene.add(model)
  scene.add(new THREE.HemisphereLight(0xffffff, 0x5a5a66, 2.2))
  const key = new THREE.DirectionalLight(0xffffff, 1.6)
  key.position.set(0.6, 1.2, 2)
  scene.add(key)

  const camera = new THREE.PerspectiveCamera(26, 1, 0.01, 100)
  const head = findHead(model, vrm, rig.faceMeshes)
  const pivotBase = head.pivot.quaternion.clone()
  const modelBaseY = model.position.y
  // Eyes on the visitor: a VRM's lookAt follows this point (in front of the camera, or above when thinking).
  const gaze = new THREE.Object3D()
  scene.add(gaze)
  if (vrm?.lookAt) vrm.lookAt.target = gaze

  let state: AvatarState = 'idle'
  let audio: HTMLAudioElement | undefined
  let source: LipSource = {}
  let pose: MouthPose = { viseme: 'sil', open: 0, width: 0.5, round: 0 }
  const weights = new Map<string, number>(rig.mouth.map((n) => [n, 0]))
  const nextGap = blinkGaps(7)
  let nextBlink = nextGap()
  let frame = 0
  let last = performance.now()
  const begin = last
  const euler = new THREE.Euler()
  const turn = new THREE.Quaternion()

  function resize() {
    const w = Math.max(1, element.clientWidth)
    const h = Math.max(1, element.clientHeight)
    renderer.setPixelRatio(Math.min(window.devicePixelRatio || 1, 2))
    renderer.setSize(w, h, false)
    camera.aspect = w / h
    frameHead(camera, head)
  }
  const observer = new ResizeObserver(resize)
  observer.observe(element)
  resize()

  function setMouthAtRest() {
    for (const name of weights.keys()) {
      weights.set(name, 0)
      rig.setMouth(name, 0)
    }
  }

  function draw(now: number) {
    const dt = Math.min(0.1, (now - last) / 1000)
    last = now
    const t = (now - begin) / 1000

    // Lips: each control eases towards where the track (or loudness) says it should be.
    const target = lipTargetAt(audio, source)
    const goal = mouthControls(rig.lips, rig.has, target)
    for (const [name, w] of weights) {
      const next = ease(w, goal[name] ?? 0, dt)
      weights.set(name, next)
      rig.setMouth(name, next)
    }

    // Blink: lids drop for 140 ms every few seconds; half-closed while thinking.
    if (t > nextBlink + 0.14) nextBlink = t + nextGap()
    const blink = t >= nextBlink ? Math.sin(((t - nextBlink) / 0.14) * Math.PI) : 0
    rig.setBlink(Math.max(blink, state === 'thinking' ? 0.25 : 0))

    // Idle motion: a slow sway and breathing; listening tilts towards the visitor, speaking nods.
    const open = target.pose.open
    const sway = Math.sin(t * 0.6) * 0.04
    const tilt = state === 'listening' ? 0.09 : 0
    const nod = state === 'speaking' ? open * 0.05 : 0
    euler.set(nod + Math.sin(t * 0.9) * 0.012, sway, tilt + Math.sin(t * 0.45) * 0.01)
    head.pivot.quaternion.copy(pivotBase).multiply(turn.setFromEuler(euler))
    model.position.y = modelBaseY + Math.sin(t * 1.4) * head.size * 0.008
    gaze.position.copy(camera.position).add(new THREE.Vector3(0, state === 'thinking' ? head.size * 1.5 : 0, 0))

    vrm?.update(dt)
    renderer.render(scene, camera)

    // What the model shows now (read back from its morphs), for tests and the debug overlay.
    const measured = rig.measureOpen()
    pose = { ...target.pose, open: measured, viseme: measured > 0 ? target.pose.viseme : 'sil' }
    element.dataset.mouthOpen = measured.toFixed(3)
    element.dataset.viseme = pose.viseme
    element.dataset.state = state
  }

  const loop = (now: number) => {
    draw(now)
    frame = requestAnimationFrame(loop)
  }
  element.dataset.format = info.format
  element.dataset.lips = info.lips
  draw(performance.now())
  frame = requestAnimationFrame(loop)

  return {
    element,
    info,
    get state() {
      return state
    },
    setState(next) {
      state = next
      element.dataset.state = next
    },
    follow(el, src) {
      audio = el
      source = src
    },
    stop() {
      audio = undefined
      source = {}
      setMouthAtRest()
      draw(performance.now())
    },
    mouth: () => pose,
    destroy() {
      cancelAnimationFrame(frame)
      observer.disconnect()
      VRMUtils.deepDispose(model)
      renderer.dispose()
      renderer.forceContextLoss()
      element.remove()
    }
  }
}
