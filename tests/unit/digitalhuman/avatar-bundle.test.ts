// The 3D avatar must not weigh on pages that use the built-in one: a page importing model-avatar
// (as the kiosk's avatar stage does) keeps three.js and three-vrm in a chunk of their own, loaded by
// the dynamic import() only when a GLB/VRM avatar is shown. Built with Vite as the app is.
import { writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { build } from 'vite'
import { describe, expect, test } from 'vitest'
import { tempDir } from '../../utils/boot'

const ROOT = resolve(import.meta.dirname, '../../..')

interface Chunk {
  type: string
  fileName: string
  isEntry?: boolean
  code?: string
}

async function bundle(source: string): Promise<Chunk[]> {
  const dir = tempDir('dh-bundle-')
  writeFileSync(join(dir, 'entry.js'), source)
  const out = (await build({
    configFile: false,
    logLevel: 'silent',
    root: dir,
    build: { write: false, minify: true, rollupOptions: { input: join(dir, 'entry.js') } }
  })) as { output: Chunk[] } | { output: Chunk[] }[]
  return (Array.isArray(out) ? out[0] : out).output.filter((c) => c.type === 'chunk')
}

const BUILTIN = `
import { createAvatar } from '${ROOT}/digitalhuman/avatar/svg-avatar'
import { AvatarSpeaker } from '${ROOT}/digitalhuman/avatar/speaker'
window.start = (el) => new AvatarSpeaker(createAvatar(el))
`
const WITH_MODEL = `${BUILTIN}
import { mountModelAvatar } from '${ROOT}/digitalhuman/avatar/model-avatar'
window.model = (el, url) => mountModelAvatar(el, { url }, () => createAvatar(el))
`

describe('3D avatar bundle', () => {
  test('three.js and three-vrm load on demand: the page entry grows by the loader only', async () => {
    const [builtin, withModel] = [await bundle(BUILTIN), await bundle(WITH_MODEL)]
    const entry = (chunks: Chunk[]) => chunks.find((c) => c.isEntry)!.code!
    const lazy = withModel.filter((c) => !c.isEntry)
    expect(builtin).toHaveLength(1)
    expect(lazy.length).toBeGreaterThan(0)
    // The three.js renderer and the VRM loader are in the lazy chunk, not in the entry.
    expect(lazy.some((c) => c.code!.includes('VRMC_vrm') && c.code!.includes('WEBGL'))).toBe(true)
    expect(/VRMC_vrm|WebGLRenderer|webgl2/.test(entry(withModel))).toBe(false)
    const growth = entry(withModel).length - entry(builtin).length
    console.log(
      `entry: built-in ${entry(builtin).length} B, with model-avatar ${entry(withModel).length} B (+${growth} B); lazy chunks ${lazy.map((c) => c.code!.length).join(' + ')} B`
    )
    expect(growth).toBeLessThan(5_000)
  }, 120_000)
})
