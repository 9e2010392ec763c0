import { Router } from 'express'
import { existsSync } from 'node:fs'
import { basename, join } from 'node:path'
import { AppError } from '../contract/errors'

/**
 * Files that tools made for the user (the bundled Excel server's workbooks), offered for download
 * behind the studio token. Only plain names inside the folder: no path reaches outside it.
 */
export function filesRouter(dataDir: string): Router {
  const router = Router()
  router.get('/excel/:name', (req, res, next) => {
    const name = req.params.name
    if (name !== basename(name) || name.startsWith('.')) return next(new AppError('bad_request', 'A file name, not a path, is expected'))
    const file = join(dataDir, 'files', 'excel', name)
    if (!existsSync(file)) return next(new AppError('not_found', `No file named ${name}`))
    res.download(file, name)
  })
  return router
}
