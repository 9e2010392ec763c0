import { createWriteStream, existsSync, renameSync, rmSync } from 'node:fs'
import { pipeline } from 'node:stream/promises'
import { Router, type Request, type Response } from 'express'
import { AppError } from '../contract/errors'
import { StagedRestore } from '../contract/backup'
import { ADMIN_ONLY } from '../contract/access'
import { authorize } from '../core/access'
import type { Runtime } from '../core/runtime'
import { contextOf } from './auth'

const ARCHIVE_TYPES = /^application\/(gzip|x-gzip|x-tar|x-compressed-tar|octet-stream)\b/i

/**
 * The backup archive over HTTP, beside the contract's JSON endpoints (backups.*): a backup file
 * to download, and an archive uploaded as the raw request body (streamed to the backups folder,
 * never held in memory), then checked like backups.inspect: 201 StagedRestore, or the 4xx that
 * says why (and the uploaded file is removed). The desktop app checks a file by path instead.
 */
export function backupFilesRouter(runtime: Runtime): Router {
  const router = Router()
  // The whole data folder, keys included: admins only, as backups.* are in the endpoint table.
  router.use('/backups', (req, res, next) => {
    authorize('backups.file', req.method, ADMIN_ONLY, {}, contextOf(res), runtime.owners).then(() => next(), next)
  })
  router.get('/backups/:name/file', (req, res, next) => {
    try {
      const file = runtime.backups.fileOf(String(req.params.name))
      if (!existsSync(file)) throw new AppError('not_found', `No backup named ${req.params.name}`)
      res.download(file, String(req.params.name), { headers: { 'Content-Type': 'application/gzip' } })
    } catch (err) {
      next(err)
    }
  })
  router.post('/backups/upload', async (req: Request, res: Response, next) => {
    let target: { name: string; file: string } | undefined
    try {
      if (!ARCHIVE_TYPES.test(req.headers['content-type'] ?? ''))
        throw new AppError('unsupported_media_type', 'Send the backup file itself as the request body (Content-Type: application/gzip)')
      target = runtime.backups.uploadPath()
      const partial = `${target.file}.partial`
      try {
        await pipeline(req, createWriteStream(partial, { mode: 0o600 }))
        renameSync(partial, target.file)
      } finally {
        rmSync(partial, { force: true })
      }
      const staged = await runtime.backups.inspect({ name: target.name })
      res.status(201).json(StagedRestore.parse(staged))
    } catch (err) {
      if (target) rmSync(target.file, { force: true })
      next(err)
    }
  })
  return router
}
