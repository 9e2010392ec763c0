// A loaded model's face controls and head framing, without a browser: the test avatars parsed by
// three's GLTFLoader (+ three-vrm) in Node, and hand-made scenes for the framing fallbacks.
import * as THREE from 'three'
import { GLTFLoader } from 'three/addons/loaders/GLTFLoader.js'
import { VRMLoaderPlugin, VRMUtils, type VRM } from '@pixiv/three-vrm'
import { describe, expect, test } from 'vitest'
import { AvatarModelError } from '../../../digitalhuman/avatar/model-error'
import { faceRig, findHead, frameHead } from '../../../digitalhuman/avatar/model-rig'
import { makeAvatarGlb, makeAvatarVrm } from '../../utils/make-avatar-models'

async function load(bytes: Uint8Array): Promise<{ scene: THREE.Group; vrm?: VRM }> {
  const loader = new GLTFLoader()
  loader.register((p) => new VRMLoaderPlugin(p))
  const gltf = await loader.parseAsync(bytes.slice().buffer, '')
  const vrm = gltf.userData.vrm as VRM | undefined
  if (vrm) VRMUtils.rotateVRM0(vrm)
  return { scene: gltf.scene, vrm }
}

function influence(scene: THREE.Object3D, name: string): number {
  let value = 0
  scene.traverse((o) => {
    const m = o as THREE.Mesh
    if (m.morphTargetDictionary?.[name] !== undefined) value = Math.max(value, m.morphTargetInfluences![m.morphTargetDictionary[name]])
  })
  return value
}

/** The head's top, middle and bottom in the camera's view (normalized device coordinates). */
function inView(camera: THREE.PerspectiveCamera, center: THREE.Vector3, size: number) {
  return [0.5, 0, -0.5].map((k) =>
    center
      .clone()
      .add(new THREE.Vector3(0, k * size, 0))
      .project(camera)
  )
}

describe('faceRig', () => {
  test('GLB: every viseme and jaw morph is a control; the measured opening is read from the morphs', async () => {
    const { scene } = await load(makeAvatarGlb())
    const rig = faceRig(scene, undefined, 'visemes')
    expect(rig.mouth).toHaveLength(17)
    expect(rig.canBlink).toBe(true)
    expect(rig.measureOpen()).toBe(0)
    rig.setMouth('viseme_PP', 1)
    expect(rig.measureOpen()).toBe(0) // lips pressed together
    rig.setMouth('viseme_O', 0.8)
    expect(rig.measureOpen()).toBeCloseTo(0.6)
    rig.setMouth('jawOpen', 1)
    expect(rig.measureOpen()).toBe(1)
    rig.setBlink(1)
    expect(influence(scene, 'eyeBlinkLeft')).toBe(1)
    expect(influence(scene, 'eyeBlinkRight')).toBe(1)
    expect(rig.faceMeshes.map((m) => m.name)).toEqual(['Mouth'])
  })

  test('VRM: expressions are the controls; their morphs move only once the VRM updates, and that is what is measured', async () => {
    for (const version of ['1.0', '0.x'] as const) {
      const { scene, vrm } = await load(makeAvatarVrm({ version }))
      const rig = faceRig(scene, vrm, 'vrm-vowels')
      expect(rig.mouth).toEqual(['aa', 'ih', 'ou', 'ee', 'oh'])
      rig.setMouth('oh', 1)
      expect(rig.measureOpen()).toBe(0)
      vrm!.update(0)
      expect(rig.measureOpen(), version).toBeCloseTo(0.75)
      rig.setMouth('oh', 0)
      rig.setBlink(1)
      vrm!.update(0)
      expect(rig.measureOpen()).toBe(0)
      expect(influence(scene, 'eyeBlinkLeft')).toBeCloseTo(1)
    }
  })

  test('a model three.js finds no mouth control in is refused as no-mouth', async () => {
    const { scene } = await load(makeAvatarGlb({ visemes: false, jaw: false }))
    expect(() => faceRig(scene, undefined, 'visemes')).toThrow(AvatarModelError)
    expect(() => faceRig(scene, undefined, 'vrm-vowels')).toThrow(/could not be read as a VRM/)
  })
})

describe('findHead and frameHead', () => {
  test('a bust with a "Head" node and a VRM figure: the head is found and fills the view', async () => {
    for (const bytes of [makeAvatarGlb(), makeAvatarVrm(), makeAvatarVrm({ version: '0.x' })]) {
      const { scene, vrm } = await load(bytes)
      const head = findHead(scene, vrm, faceRig(scene, vrm, vrm ? 'vrm-vowels' : 'visemes').faceMeshes)
      // The test head: 1.5 m joint, its middle 0.1 m above, 0.22 m tall (with hair).
      expect(head.center.y).toBeCloseTo(1.61, 1)
      expect(head.size).toBeGreaterThan(0.18)
      expect(head.size).toBeLessThan(0.26)
      const camera = new THREE.PerspectiveCamera(26, 320 / 400)
      frameHead(camera, head)
      expect(camera.position.z).toBeGreaterThan(head.center.z)
      for (const p of inView(camera, head.center, head.size)) {
        expect(Math.abs(p.x)).toBeLessThan(1)
        expect(Math.abs(p.y)).toBeLessThan(1)
      }
    }
  })

  test('a skinned figure: its face mesh, or the head joint with a head of 1/7.5 of the body, or the top of the model', () => {
    const body = () => new THREE.Mesh(new THREE.BoxGeometry(0.4, 1.75, 0.2).translate(0, 0.875, 0))
    const faceMesh = new THREE.Mesh(new THREE.SphereGeometry(0.11).translate(0, 1.62, 0))
    const joint = new THREE.Object3D()
    joint.name = 'mixamorig:Head'
    joint.position.set(0, 1.52, 0)

    const withFace = new THREE.Group().add(body(), joint, faceMesh)
    expect(findHead(withFace, undefined, [faceMesh])).toMatchObject({ center: { y: expect.closeTo(1.62, 2) }, size: expect.closeTo(0.22, 2), pivot: joint })

    const wholeBody = body()
    const jointOnly = new THREE.Group().add(wholeBody, joint)
    const atJoint = findHead(jointOnly, undefined, [wholeBody])
    expect(atJoint.size).toBeCloseTo(1.75 / 7.5, 3)
    expect(atJoint.center.y).toBeCloseTo(1.52 + 0.45 * (1.75 / 7.5), 3)

    const nothing = new THREE.Group().add(body())
    const top = findHead(nothing, undefined, [])
    expect(top.center.y).toBeCloseTo(1.75 - 1.75 / 15, 3)
    expect(top.pivot).toBe(nothing)
  })
})
