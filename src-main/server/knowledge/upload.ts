import busboy from 'busboy'
import { createHash, randomBytes } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdir, rm } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { Transform, type Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { Router, type Request, type Response } from 'express'
import { AppError, type ErrorCode, type ErrorInfo } from '../../contract/errors'
import { detectFormat, supportedExtensions } from '../../core/knowledge/parse'
import type { Runtime } from '../../core/runtime'
import { authorize } from '../../core/access'
import { contextOf } from '../auth'
import { requestLog } from '../errors'

// A request can hold many files; the limit is per file. This caps what one request may claim to send.
const MAX_FILES = 100

interface Received {
  fileName: string
  tempPath: string
  hash: string
  bytes: number
}

/** Answers with the contract's error shape; the upload handles its own stream, so it cannot throw to the error middleware. */
function send(res: Response, code: ErrorCode, message: string, details: unknown, info: ErrorInfo) {
  const err = new AppError(code, message, details, info)
  res.status(err.status).json(err.toBody())
}

/**
 * POST /api/knowledge-bases/:id/upload — multipart/form-data, any number of file fields. Each file
 * is streamed to the data folder while it is hashed (never held in memory), then registered as a
 * document: 201 { documents: [{ id, name, status, duplicate }] }. All or nothing: a file over the
 * size limit → 413, an unsupported type → 415, no file or an empty one → 422; nothing is kept then.
 * The desktop app adds files by path instead (knowledgeBases.addPaths).
 */
export function knowledgeUploadRouter(runtime: Runtime): Router {
  const router = Router()
  router.post('/knowledge-bases/:id/upload', async (req: Request, res: Response, next) => {
    const kbId = String(req.params.id)
    const limit = runtime.knowledge.maxUploadBytes
    const received: Received[] = []
    const cleanup = () => Promise.all(received.map((r) => rm(r.tempPath, { force: true })))
    try {
      // Adding documents is a builder's change, as knowledgeBases.* are (contract/api.ts).
      await authorize('knowledgeBases.upload', 'POST', { role: 'builder' }, {}, contextOf(res), runtime.owners)
      if (!/^multipart\/form-data\b/i.test(req.headers['content-type'] ?? '')) {
        return send(res, 'unsupported_media_type', 'Send the files as multipart/form-data (a form with file fields)', undefined, {
          reason: 'upload_not_multipart'
        })
      }
      await runtime.knowledgeBases.get(kbId)
      const declared = Number(req.headers['content-length'] ?? 0)
      if (declared > limit * MAX_FILES)
        return send(res, 'payload_too_large', `The upload is larger than ${MAX_FILES} files of the ${mib(limit)} limit`, undefined, {
          reason: 'upload_request_too_large',
          params: { max: MAX_FILES, limit: mib(limit) }
        })

      const incoming = runtime.knowledge.documents.incomingDir()
      await mkdir(incoming, { recursive: true })
      const tooLarge: string[] = []
      const unsupported: string[] = []
      const empty: string[] = []
      const writes: Promise<void>[] = []

      // Every file part streams into its own temp file. When the request fails half-way (cut off,
      // not valid multipart), each part still being written is stopped and awaited here, so no
      // write is left failing later as an unhandled rejection and no temp file outlives the request.
      const parts: Readable[] = []
      try {
        await new Promise<void>((resolve, reject) => {
          let bb: busboy.Busboy
          try {
            bb = busboy({ headers: req.headers, limits: { fileSize: limit, files: MAX_FILES, fields: 50 }, defParamCharset: 'utf8' })
          } catch (err) {
            return reject(new AppError('bad_request', `Not a valid multipart request: ${(err as Error).message}`, undefined, notMultipart(err)))
          }
          bb.on('file', (_field, stream, info) => {
            const fileName = basename(String(info.filename ?? '').replace(/\\/g, '/')).trim()
            if (!fileName || !detectFormat(fileName, info.mimeType)) {
              unsupported.push(fileName || '(a file without a name)')
              stream.on('error', () => undefined) // the form's own error says it
              stream.resume()
              return
            }
            const tempPath = join(incoming, `${Date.now()}-${randomBytes(8).toString('hex')}`)
            const entry: Received = { fileName, tempPath, hash: '', bytes: 0 }
            received.push(entry)
            parts.push(stream)
            const hash = createHash('sha256')
            const meter = new Transform({
              transform(chunk: Buffer, _enc, cb) {
                hash.update(chunk)
                entry.bytes += chunk.length
                cb(null, chunk)
              }
            })
            stream.on('limit', () => tooLarge.push(fileName))
            writes.push(
              pipeline(stream, meter, createWriteStream(tempPath)).then(() => {
                entry.hash = hash.digest('hex')
                if (entry.bytes === 0) empty.push(fileName)
              })
            )
          })
          bb.on('filesLimit', () =>
            reject(
              new AppError('payload_too_large', `At most ${MAX_FILES} files per upload`, undefined, { reason: 'upload_too_many', params: { max: MAX_FILES } })
            )
          )
          bb.on('error', (err) => reject(new AppError('bad_request', `Not a valid multipart request: ${(err as Error).message}`, undefined, notMultipart(err))))
          bb.on('close', () => resolve())
          req.on('aborted', () => reject(interrupted()))
          req.on('close', () => {
            if (!req.complete) reject(interrupted())
          })
          req.pipe(bb)
        })
      } catch (err) {
        req.unpipe()
        for (const part of parts) part.destroy()
        const settled = await Promise.allSettled(writes)
        const failures = settled.filter((r): r is PromiseRejectedResult => r.status === 'rejected')
        if (failures.length) requestLog(res).info({ kbId, files: failures.length, reason: (err as Error).message }, 'upload cut short; partial files removed')
        throw err
      }
      await Promise.all(writes)

      if (tooLarge.length)
        return send(
          res,
          'payload_too_large',
          `Over the ${mib(limit)} limit per file: ${tooLarge.join(', ')}`,
          { files: tooLarge, limitBytes: limit },
          { reason: 'upload_too_large', params: { files: tooLarge.join(', '), limit: mib(limit) } }
        )
      if (unsupported.length) {
        return send(
          res,
          'unsupported_media_type',
          `Unsupported file type: ${unsupported.join(', ')} (supported: ${supportedExtensions.join(' ')})`,
          {
            files: unsupported
          },
          { reason: 'upload_unsupported', params: { files: unsupported.join(', '), supported: supportedExtensions.join(' ') } }
        )
      }
      if (!received.length) return send(res, 'validation_failed', 'No file in the upload: add one or more file fields', undefined, { reason: 'upload_no_file' })
      if (empty.length)
        return send(
          res,
          'validation_failed',
          `Empty file: ${empty.join(', ')}`,
          { files: empty },
          { reason: 'upload_empty', params: { files: empty.join(', ') } }
        )

      const documents = []
      for (const r of received) documents.push(await runtime.knowledge.documents.addUpload(kbId, r))
      received.length = 0 // registered: the files now belong to their documents
      res.status(201).json({ documents })
    } catch (err) {
      next(err)
    } finally {
      await cleanup()
    }
  })
  return router
}

const interrupted = () => new AppError('bad_request', 'The upload was interrupted', undefined, { reason: 'upload_interrupted' })
const notMultipart = (err: unknown): ErrorInfo => ({ reason: 'upload_invalid', params: { detail: (err as Error).message } })

const mib = (bytes: number) => `${Math.round((bytes / 1_048_576) * 10) / 10} MB`
