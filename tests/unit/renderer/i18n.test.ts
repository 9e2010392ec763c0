import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, test } from 'vitest'
import { resources } from '../../../src-renderer/src/i18n'

// The strings the app runs with: the main files plus the per-area files (i18n/areas) merged in.
const en = resources.en.translation
const zhCN = resources['zh-CN'].translation

const SRC = resolve(__dirname, '../../../src-renderer/src')

function flatKeys(obj: object, prefix = ''): string[] {
  return Object.entries(obj).flatMap(([k, v]) => (v && typeof v === 'object' ? flatKeys(v, `${prefix}${k}.`) : [`${prefix}${k}`]))
}
// English has plural forms (_one/_other) where Chinese has one; compare the base keys.
const baseKeys = (obj: object) => new Set(flatKeys(obj).map((k) => k.replace(/_(one|other)$/, '')))

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sources(path)
    return /\.tsx?$/.test(name) ? [path] : []
  })
}

describe('UI strings', () => {
  const enKeys = baseKeys(en)
  const zhKeys = baseKeys(zhCN)

  test('Chinese and English have the same keys', () => {
    expect([...enKeys].filter((k) => !zhKeys.has(k))).toEqual([])
    expect([...zhKeys].filter((k) => !enKeys.has(k))).toEqual([])
  })

  test("every literal t('key') used in the renderer exists", () => {
    const used = sources(SRC).flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/\bt\('([\w.-]+)'/g)].map((m) => m[1]))
    expect(used.length).toBeGreaterThan(100)
    expect([...new Set(used)].filter((k) => !enKeys.has(k))).toEqual([])
  })
})
