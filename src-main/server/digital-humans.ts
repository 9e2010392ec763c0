import busboy from 'busboy'
import { createWriteStream } from 'node:fs'
import { rm } from 'node:fs/promises'
import { basename } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { Router, type Request } from 'express'
import { AppError } from '../contract/errors'
import { authorize } from '../core/access'
import type { Runtime } from '../core/runtime'
import { contextOf } from './auth'

/** The part of the upload that was a file: where it went and whether it hit the size limit. */
interface Received {
  fileName: string
  tempPath: string
  tooLarge: boolean
}

/**
 * A digital human's GLB/VRM file, behind the studio token:
 * - `POST /api/digital-humans/:id/model` — multipart/form-data with one file field. The file is
 *   streamed into the data folder (never held in memory), then checked by the registry (size
 *   limit → 413, not a GLB → 415, a GLB without VRM data for a VRM avatar → 422, a builtin or
 *   LiveTalking avatar → 409); nothing is kept when it is refused. 200 with the digital human.
 * - `GET /api/digital-humans/:id/model` — the stored file (the studio's preview).
 * The desktop app attaches a file by path instead (digitalHumans.setModelPath).
 */
export function digitalHumanFilesRouter(runtime: Runtime): Router {
  const router = Router()
  const registry = runtime.digitalHumans
  // Avatars are a builder's, as digitalHumans.* are in the endpoint table (checked there by dispatch).
  router.use('/digital-humans', (req, res, next) => {
    authorize('digitalHumans.model', req.method, { role: 'builder' }, {}, contextOf(res), runtime.owners).then(() => next(), next)
  })

  router.post('/digital-humans/:id/model', async (req, res) => {
    const id = String(req.params.id)
    if (!/^multipart\/form-data\b/i.test(req.headers['content-type'] ?? ''))
      throw new AppError('unsupported_media_type', 'Send the avatar file as multipart/form-data (a form with one file field)')
    await registry.get(id)
    const limit = registry.maxModelBytes
    if (Number(req.headers['content-length'] ?? 0) > limit + 64 * 1024)
      throw new AppError('payload_too_large', `The file is larger than the ${Math.round(limit / 1_048_576)} MB limit for an avatar file`)
    const received = await receiveOne(req, limit, await registry.incomingPath())
    if (received.tooLarge) {
      await rm(received.tempPath, { force: true })
      throw new AppError('payload_too_large', `${received.fileName} is larger than the ${Math.round(limit / 1_048_576)} MB limit for an avatar file`)
    }
    res.json(await registry.attachUpload(id, received.tempPath, received.fileName))
  })

  router.get('/digital-humans/:id/model', async (req, res) => {
    const file = await registry.modelFile(String(req.params.id))
    if (!file) throw new AppError('not_found', 'This digital human has no 3D file')
    res.setHeader('Content-Type', 'model/gltf-binary')
    res.setHeader('Cache-Control', 'no-cache')
    res.sendFile(file.path, { dotfiles: 'allow' })
  })

  return router
}

/** Streams the first file field of a multipart request to `tempPath`; a cut-off request leaves no file behind. */
async function receiveOne(req: Request, limit: number, tempPath: string): Promise<Received> {
  let received: Received | undefined
  let write: Promise<void> | undefined
  try {
    await new Promise<void>((resolve, reject) => {
      let bb: busboy.Busboy
      try {
        bb = busboy({ headers: req.headers, limits: { fileSize: limit, files: 1, fields: 10 }, defParamCharset: 'utf8' })
      } catch (err) {
        return reject(new AppError('bad_request', `Not a valid multipart request: ${(err as Error).message}`))
      }
      bb.on('file', (_field, stream, info) => {
        const fileName = basename(String(info.filename ?? '').replace(/\\/g, '/')).trim() || 'avatar.glb'
        const entry: Received = { fileName, tempPath, tooLarge: false }
        received = entry
        stream.on('limit', () => {
          entry.tooLarge = true
        })
        write = pipeline(stream, createWriteStream(tempPath, { mode: 0o600 }))
        write.catch(() => undefined) // awaited below; this only keeps it from being unhandled meanwhile
      })
      bb.on('error', (err) => reject(new AppError('bad_request', `Not a valid multipart request: ${(err as Error).message}`)))
      bb.on('close', () => resolve())
      req.on('close', () => {
        if (!req.complete) reject(new AppError('bad_request', 'The upload was interrupted'))
      })
      req.pipe(bb)
    })
    await write
  } catch (err) {
    req.unpipe()
    await write?.catch(() => undefined)
    await rm(tempPath, { force: true })
    throw err
  }
  if (!received) throw new AppError('validation_failed', 'No file in the upload: add the GLB or VRM file as a file field')
  return received
}
