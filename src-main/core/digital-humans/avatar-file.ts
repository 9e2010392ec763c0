import { open } from 'node:fs/promises'
import { AppError } from '../../contract/errors'

/**
 * What an uploaded 3D avatar must be: a binary glTF (GLB) — the format TalkingHead and three-vrm
 * load — and for a VRM, a GLB that declares the VRM extension. Checked from the file's own bytes,
 * not its name, before it is kept.
 */
const GLB_MAGIC = 0x46546c67 // "glTF", little-endian
const CHUNK_JSON = 0x4e4f534a // "JSON"
/** A glTF's JSON chunk describes the scene; textures and meshes live in the binary chunk. */
const MAX_JSON_CHUNK = 32 * 1024 * 1024

export type AvatarFileKind = 'glb' | 'vrm'

export async function checkAvatarFile(path: string, kind: AvatarFileKind, fileName: string): Promise<void> {
  const file = await open(path, 'r')
  try {
    const { size } = await file.stat()
    const head = Buffer.alloc(20)
    const { bytesRead } = await file.read(head, 0, 20, 0)
    if (bytesRead < 20 || head.readUInt32LE(0) !== GLB_MAGIC)
      throw new AppError(
        'unsupported_media_type',
        `${fileName} is not a GLB file (binary glTF): export the avatar as .glb${kind === 'vrm' ? ' or .vrm' : ''}; a .gltf with separate .bin files is not supported`
      )
    const version = head.readUInt32LE(4)
    if (version !== 2) throw new AppError('unsupported_media_type', `${fileName} is glTF version ${version}; only glTF 2.0 is supported`)
    const declared = head.readUInt32LE(8)
    if (declared > size) throw new AppError('validation_failed', `${fileName} is cut short: it declares ${declared} bytes but has ${size}`)
    const jsonLength = head.readUInt32LE(12)
    if (head.readUInt32LE(16) !== CHUNK_JSON || jsonLength > MAX_JSON_CHUNK || 20 + jsonLength > size)
      throw new AppError('validation_failed', `${fileName} is not a valid GLB: its first chunk is not the scene's JSON`)
    if (kind !== 'vrm') return
    const json = Buffer.alloc(jsonLength)
    await file.read(json, 0, jsonLength, 20)
    let gltf: { extensionsUsed?: unknown; extensions?: Record<string, unknown> }
    try {
      gltf = JSON.parse(json.toString('utf8').replace(/[\s\0]+$/, '')) as typeof gltf
    } catch {
      throw new AppError('validation_failed', `${fileName} is not a valid GLB: its scene JSON cannot be read`)
    }
    const used = Array.isArray(gltf.extensionsUsed) ? gltf.extensionsUsed : []
    // VRM 0.x declares "VRM", VRM 1.0 "VRMC_vrm".
    const isVrm = ['VRM', 'VRMC_vrm'].some((e) => used.includes(e) || (gltf.extensions && e in gltf.extensions))
    if (!isVrm) throw new AppError('validation_failed', `${fileName} is a GLB without VRM data: register it as a GLB avatar, or export it as VRM`)
  } finally {
    await file.close()
  }
}
