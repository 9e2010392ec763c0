import { join } from 'node:path'

export interface AppPaths {
  /** The sandboxed preload: one CommonJS file (see electron.vite.config.ts). */
  preload: string
  /** The built renderer, loaded by the window and served to LAN browsers. */
  rendererDir: string
  /** Icons and other assets read at run time (electron-builder extraResources → resources/). */
  resourcesDir: string
}

/**
 * Paths from app.getAppPath() rather than import.meta.url: the bundler may move this code into a
 * shared chunk, while the app path is the folder holding package.json both in a checkout and
 * inside app.asar.
 */
export function appPaths(opts: { appPath: string; packaged: boolean; resourcesPath: string }): AppPaths {
  return {
    preload: join(opts.appPath, 'out', 'preload', 'index.cjs'),
    rendererDir: join(opts.appPath, 'out', 'renderer'),
    resourcesDir: opts.packaged ? join(opts.resourcesPath, 'resources') : join(opts.appPath, 'resources')
  }
}
