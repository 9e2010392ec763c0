// Checking an uploaded avatar file (GLB/VRM) from its bytes: what it offers the lips and eyes,
// and a clear error kind and message for each way it can be unusable.
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { AvatarModelError, inspectAvatarModel, type AvatarModelErrorKind } from '../../../digitalhuman/avatar/model-file'
import { glb, makeAvatarGlb, makeAvatarVrm } from '../../utils/make-avatar-models'

/** A GLB with only JSON: meshes with these morph target names (the checks never read the BIN chunk). */
function glbWithMorphs(names: string[][], extra: Record<string, unknown> = {}): Uint8Array {
  return glb({
    asset: { version: '2.0' },
    nodes: [{ name: 'Head', mesh: 0 }],
    meshes: names.map((n) => ({ primitives: [{ attributes: { POSITION: 0 }, targets: n.map(() => ({ POSITION: 0 })) }], extras: { targetNames: n } })),
    ...extra
  })
}

function failure(bytes: Uint8Array): { kind: AvatarModelErrorKind; message: string } {
  try {
    inspectAvatarModel(bytes)
  } catch (err) {
    expect(err).toBeInstanceOf(AvatarModelError)
    return { kind: (err as AvatarModelError).kind, message: (err as AvatarModelError).message }
  }
  throw new Error('expected the file to be refused')
}

const ALL_VISEMES = ['sil', 'PP', 'FF', 'TH', 'DD', 'kk', 'CH', 'SS', 'nn', 'RR', 'aa', 'E', 'I', 'O', 'U']

describe('inspectAvatarModel: usable files', () => {
  test('a TalkingHead-style GLB: all 15 visemes, jawOpen/mouthOpen, blink and a head, no warnings', () => {
    const info = inspectAvatarModel(makeAvatarGlb())
    expect(info).toMatchObject({
      format: 'glb',
      lips: 'visemes',
      visemes: ALL_VISEMES,
      jaw: ['jawOpen', 'mouthOpen'],
      vowels: [],
      blink: true,
      head: true,
      warnings: []
    })
    expect(info.vrmVersion).toBeUndefined()
    expect(info.morphTargets).toContain('eyeBlinkLeft')
  })

  test('a GLB with only jawOpen/mouthOpen: jaw lips, and a warning that the lips will not form sounds', () => {
    const info = inspectAvatarModel(makeAvatarGlb({ visemes: false, blink: false }))
    expect(info).toMatchObject({ lips: 'jaw', visemes: [], jaw: ['jawOpen', 'mouthOpen'], blink: false })
    expect(info.warnings.join(' ')).toMatch(/only opens and closes/)
    expect(info.warnings.join(' ')).toMatch(/will not blink/)
  })

  test('a GLB with some visemes names the missing ones; names spread over several meshes count once', () => {
    const info = inspectAvatarModel(
      glbWithMorphs([
        ['viseme_aa', 'viseme_O', 'eyeBlinkLeft'],
        ['viseme_aa', 'viseme_PP']
      ])
    )
    expect(info).toMatchObject({ lips: 'visemes', visemes: ['PP', 'aa', 'O'], blink: true })
    expect(info.morphTargets).toEqual(['viseme_aa', 'viseme_O', 'eyeBlinkLeft', 'viseme_PP'])
    expect(info.warnings[0]).toMatch(/Missing viseme morph targets.*viseme_FF.*viseme_U/)
    expect(info.warnings[0]).not.toMatch(/viseme_sil|viseme_aa|viseme_PP,/)
  })

  test('a VRM 1.0: vowel expressions, blink, humanoid head', () => {
    expect(inspectAvatarModel(makeAvatarVrm())).toMatchObject({
      format: 'vrm',
      vrmVersion: '1.0',
      lips: 'vrm-vowels',
      vowels: ['aa', 'ih', 'ou', 'ee', 'oh'],
      blink: true,
      head: true,
      warnings: []
    })
  })

  test('a VRM 0.x: preset names a/i/u/e/o and blink read as the 1.0 names', () => {
    expect(inspectAvatarModel(makeAvatarVrm({ version: '0.x' }))).toMatchObject({
      format: 'vrm',
      vrmVersion: '0.x',
      lips: 'vrm-vowels',
      vowels: ['aa', 'ih', 'ou', 'ee', 'oh'],
      blink: true,
      warnings: []
    })
  })

  test('a VRM with only aa and no blink: opening-only lips, with warnings', () => {
    const info = inspectAvatarModel(makeAvatarVrm({ aaOnly: true, blink: false }))
    expect(info).toMatchObject({ lips: 'vrm-aa', vowels: ['aa'], blink: false })
    expect(info.warnings).toHaveLength(2)
  })

  test('a head is a node named like Head (mixamorig:Head, J_Bip_C_Head), not HeadTop_End', () => {
    for (const [name, head] of [
      ['mixamorig:Head', true],
      ['J_Bip_C_Head', true],
      ['head', true],
      ['HeadTop_End', false],
      ['Forehead', false]
    ] as const) {
      const bytes = glb({
        asset: { version: '2.0' },
        nodes: [{ name }],
        meshes: [{ primitives: [{ attributes: {}, targets: [{}] }], extras: { targetNames: ['jawOpen'] } }]
      })
      expect(inspectAvatarModel(bytes).head, name).toBe(head)
    }
  })
})

describe('inspectAvatarModel: refused files say why', () => {
  test('not a GLB: an image, a text .gltf (with a hint), a tiny file', () => {
    expect(failure(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, ...new Array(40).fill(0)]))).toMatchObject({
      kind: 'not-glb',
      message: expect.stringMatching(/no "glTF" header/)
    })
    expect(failure(new TextEncoder().encode('{"asset":{"version":"2.0"},"meshes":[]}'))).toMatchObject({
      kind: 'not-glb',
      message: expect.stringMatching(/text \.gltf.*binary \.glb/)
    })
    expect(failure(new Uint8Array(8))).toMatchObject({ kind: 'not-glb', message: expect.stringMatching(/only 8 bytes/) })
  })

  test('a truncated or padded file, a broken chunk or JSON: corrupt', () => {
    const good = makeAvatarGlb()
    expect(failure(good.subarray(0, good.length - 100))).toMatchObject({ kind: 'corrupt', message: expect.stringMatching(/cut short.*says \d+ bytes/) })
    expect(failure(Uint8Array.from([...good, 0, 0, 0, 0]))).toMatchObject({ kind: 'corrupt', message: expect.stringMatching(/longer than its header/) })
    const badType = good.slice()
    badType[16] = 0x42
    expect(failure(badType).kind).toBe('corrupt')
    const longJson = good.slice()
    new DataView(longJson.buffer).setUint32(12, good.length, true)
    expect(failure(longJson).message).toMatch(/JSON chunk runs past/)
    expect(failure(glb('[1,2]')).message).toMatch(/not an object/)
    expect(failure(glb({ meshes: [] })).message).toMatch(/asset\.version/)
    const garbled = glb({ asset: { version: '2.0' } })
    garbled[25] = 0xff // inside the JSON text: not UTF-8
    expect(failure(garbled)).toMatchObject({ kind: 'corrupt', message: expect.stringMatching(/cannot be read/) })
  })

  test('glTF 1 and compressed files this avatar cannot read: unsupported, with what to do', () => {
    const v1 = makeAvatarGlb()
    new DataView(v1.buffer).setUint32(4, 1, true)
    expect(failure(v1)).toMatchObject({ kind: 'unsupported', message: expect.stringMatching(/glTF version 1/) })
    expect(failure(glb({ asset: { version: '1.0' } })).kind).toBe('unsupported')
    expect(failure(glbWithMorphs([['viseme_aa']], { extensionsRequired: ['KHR_draco_mesh_compression'] }))).toMatchObject({
      kind: 'unsupported',
      message: expect.stringMatching(/without Draco/)
    })
    expect(failure(glbWithMorphs([['viseme_aa']], { extensionsRequired: ['KHR_texture_basisu'] })).message).toMatch(/PNG or JPEG/)
    // Extensions three.js reads itself, or ignores, are fine (a name like "toString" is just a name).
    expect(inspectAvatarModel(glbWithMorphs([['viseme_aa']], { extensionsRequired: ['KHR_mesh_quantization', 'toString'] })).lips).toBe('visemes')
  })

  test('no mesh, or no way to move the mouth (with the morph targets it does have)', () => {
    expect(failure(glb({ asset: { version: '2.0' } }))).toMatchObject({ kind: 'no-mesh' })
    expect(failure(makeAvatarGlb({ visemes: false, jaw: false }))).toMatchObject({
      kind: 'no-mouth',
      message:
        'The avatar cannot move its lips: no viseme_* morph targets (viseme_aa, viseme_O, …) and no jawOpen or mouthOpen. It has 2 morph targets: eyeBlinkLeft, eyeBlinkRight.'
    })
    // Names three.js would ignore (a count that does not match the targets) do not count.
    const mismatched = glb({
      asset: { version: '2.0' },
      meshes: [{ primitives: [{ attributes: {}, targets: [{}] }], extras: { targetNames: ['viseme_aa', 'viseme_O'] } }]
    })
    expect(failure(mismatched).message).toMatch(/no named morph targets/)
  })

  test('a VRM whose mouth expressions bind nothing, a wrong licence URL or missing bones', () => {
    const vrm = JSON.parse(new TextDecoder().decode(makeAvatarVrm().subarray(20, 20 + new DataView(makeAvatarVrm().buffer).getUint32(12, true))))
    const ext = vrm.extensions.VRMC_vrm
    const variant = (change: (e: any) => void) => {
      const copy = structuredClone(vrm)
      change(copy.extensions.VRMC_vrm)
      return glb(copy)
    }
    expect(
      failure(
        variant((e) => {
          for (const v of ['aa', 'ih', 'ou', 'ee', 'oh']) e.expressions.preset[v].morphTargetBinds = []
        })
      )
    ).toMatchObject({ kind: 'no-mouth', message: expect.stringMatching(/no VRM mouth expression/) })
    expect(failure(variant((e) => (e.meta.licenseUrl = 'https://example.com/licence'))).message).toMatch(/licenseUrl/)
    expect(
      failure(
        variant((e) => {
          delete e.humanoid.humanBones.head
          delete e.humanoid.humanBones.leftFoot
        })
      )
    ).toMatchObject({ kind: 'corrupt', message: 'The VRM lacks required humanoid bones: head, leftFoot.' })
    expect(ext.specVersion).toBe('1.0')
  })

  test('any damage to a valid file is either still readable or an AvatarModelError, never another exception', () => {
    const good = makeAvatarVrm()
    const jsonEnd = 20 + new DataView(good.buffer).getUint32(12, true)
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(jsonEnd + 64), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
        fc.nat(good.length),
        (edits, cut) => {
          const bytes = good.slice(0, Math.max(cut, jsonEnd + 64))
          for (const [at, value] of edits) bytes[at] = value
          try {
            inspectAvatarModel(bytes)
          } catch (err) {
            expect(err).toBeInstanceOf(AvatarModelError)
          }
        }
      ),
      { numRuns: 400 }
    )
  })

  test('any JSON in the chunk, shaped like a glTF/VRM or not, gives an answer or an AvatarModelError', () => {
    const anything = fc.jsonValue({ maxDepth: 4 })
    const shaped = fc.record({
      asset: fc.oneof(fc.constant({ version: '2.0' }), anything),
      meshes: fc.oneof(
        anything,
        fc.array(
          fc.record({
            primitives: anything,
            extras: fc.record({ targetNames: fc.oneof(anything, fc.array(fc.constantFrom('viseme_aa', 'jawOpen', 'constructor', '__proto__'))) })
          })
        )
      ),
      nodes: anything,
      extensionsRequired: fc.oneof(anything, fc.array(fc.constantFrom('toString', 'KHR_draco_mesh_compression', 'EXT_meshopt_compression'))),
      extensions: fc.oneof(anything, fc.record({ VRM: anything }), fc.record({ VRMC_vrm: anything }))
    })
    fc.assert(
      fc.property(fc.oneof(anything, shaped), (json) => {
        try {
          inspectAvatarModel(glb(json))
        } catch (err) {
          expect(err).toBeInstanceOf(AvatarModelError)
        }
      }),
      { numRuns: 1000 }
    )
  })
})
