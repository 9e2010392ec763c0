import { existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, expect, it } from 'vitest'
import { closeLog, configureLog, log } from '../../../src-main/base/log'
import { tempDir } from '../../utils/boot'

afterEach(async () => {
  await closeLog()
  configureLog({ console: 'none', level: 'silent' })
})

it('writes structured lines to a private file in the data folder; user text is data, not a format string', async () => {
  const dir = tempDir()
  configureLog({ dir, console: 'none', level: 'info' })
  log.info({ path: '/chat/%s%d%ff' }, 'request failed')
  log.error({ err: new Error('boom %s') }, 'handler failed')
  await closeLog()
  const file = join(dir, 'logs', 'agenta.log')
  expect(existsSync(file)).toBe(true)
  expect(statSync(file).mode & 0o077).toBe(0)
  const lines = readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
  expect(lines[0]).toMatchObject({ level: 30, msg: 'request failed', path: '/chat/%s%d%ff' })
  expect(lines[1]).toMatchObject({ level: 50, msg: 'handler failed', err: { message: 'boom %s' } })
  expect(lines[1].err.stack).toContain('boom')
})

it('drops lines below the configured level', async () => {
  const dir = tempDir()
  configureLog({ dir, console: 'none', level: 'warn' })
  log.info('quiet')
  log.warn('loud')
  await closeLog()
  const text = readFileSync(join(dir, 'logs', 'agenta.log'), 'utf8')
  expect(text).toContain('loud')
  expect(text).not.toContain('quiet')
})
