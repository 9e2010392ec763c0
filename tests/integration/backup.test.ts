// Backup and restore of the whole data folder (issue 15, "what newcomers expect"): over real HTTP,
// on real SQLite files and tar archives; the restart a restore needs is a new runtime on the folder.
import Database from 'better-sqlite3'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import * as tar from 'tar'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { dispatch } from '../../src-main/core/dispatch'
import { ownerContext } from '../../src-main/core/context'
import { applyPendingRestore, scheduleRestore, stageDirFor } from '../../src-main/core/backup/restore-swap'
import { bootRuntime, bootServer, tempDir, type BootedServer } from '../utils/boot'
import { startFakeLlm, type FakeLlm } from '../utils/fake-llm'

const API_KEY = 'sk-test-backup-0000'
let srv: BootedServer
let llm: FakeLlm
let providerId: string
let archive: Buffer

const names = async (s: BootedServer) => ((await s.api('GET', '/api/agents')).body as Array<{ name: string }>).map((a) => a.name).sort()

/** Sends bytes as the raw body of the upload route. */
async function upload(s: BootedServer, body: Buffer, type = 'application/gzip') {
  const res = await fetch(`${s.url}/api/backups/upload`, {
    method: 'POST',
    headers: { authorization: `Bearer ${s.token}`, 'content-type': type },
    body: new Uint8Array(body)
  })
  return { status: res.status, body: (await res.json()) as any }
}

/** A gzipped tar made from files given by archive path. */
async function makeArchive(files: Record<string, string | Buffer>): Promise<Buffer> {
  const dir = tempDir('agenta-archive-')
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true })
    writeFileSync(join(dir, path), content)
  }
  const out = join(dir, '..', `${Math.random().toString(36).slice(2)}.tar.gz`)
  await tar.c({ cwd: dir, file: out, gzip: true, portable: true }, Object.keys(files))
  return readFileSync(out)
}

const manifest = (over: Record<string, unknown> = {}) =>
  JSON.stringify({
    format: 1,
    app: 'agenta-studio',
    appVersion: '0.1.0',
    createdAt: Date.now(),
    migrations: [],
    secrets: { keyFile: false, keychain: false },
    counts: { agents: 0, sessions: 0, messages: 0, knowledgeBases: 0, documents: 0 },
    ...over
  })

/** An SQLite database file as bytes, made by `setup`. */
function sqliteBytes(setup: (db: Database.Database) => void): Buffer {
  const file = join(tempDir('agenta-db-'), 'x.db')
  const db = new Database(file)
  setup(db)
  db.close()
  return readFileSync(file)
}

beforeAll(async () => {
  ;[srv, llm] = await Promise.all([bootServer(), startFakeLlm({ apiKey: API_KEY })])
  providerId = (await srv.api('POST', '/api/providers', { name: 'Fake LLM', baseUrl: llm.baseUrl, apiKey: API_KEY })).body.id
  await srv.api('POST', `/api/providers/${providerId}/refresh-models`)
  const agent = (await srv.api('POST', '/api/agents', { name: 'Before', providerId, model: 'fake-chat' })).body
  await srv.api('POST', '/api/sessions', { agentId: agent.id, title: 'Kept chat' })
  const kb = (await srv.api('POST', '/api/knowledge-bases', { name: 'Handbook' })).body
  const form = new FormData()
  form.append('file', new Blob(['# Opening hours\n\nWe open at nine.']), 'hours.md')
  const up = await fetch(`${srv.url}/api/knowledge-bases/${kb.id}/upload`, { method: 'POST', headers: { authorization: `Bearer ${srv.token}` }, body: form })
  expect(up.status).toBe(201)
})
afterAll(async () => {
  await Promise.all([srv?.close(), llm?.close()])
})

describe('a backup is the whole data folder in one file', () => {
  test('backups.create writes it with progress; it lists, downloads and holds the database, key file and uploads', async () => {
    const progress: string[] = []
    const off = srv.runtime.events.subscribe((name, p) => {
      if (name === 'backup.progress') progress.push((p as { phase: string }).phase)
    })
    const created = await srv.api('POST', '/api/backups')
    off()
    expect(created.status).toBe(201)
    expect(created.body.name).toMatch(/^agenta-backup-\d{8}-\d{6}\.tar\.gz$/)
    expect(progress.at(-1)).toBe('done')
    expect((await srv.api('GET', '/api/backups')).body).toEqual([created.body])

    const res = await fetch(`${srv.url}/api/backups/${created.body.name}/file`, { headers: { authorization: `Bearer ${srv.token}` } })
    expect(res.status).toBe(200)
    archive = Buffer.from(await res.arrayBuffer())
    expect(archive.length).toBe(created.body.bytes)
    const entries: string[] = []
    await new Promise<void>((resolve, reject) => {
      const parser = new tar.Parser({ onReadEntry: (e) => (entries.push(e.path), e.resume()) })
      parser.on('end', resolve).on('error', reject)
      parser.end(archive)
    })
    expect(entries[0]).toBe('manifest.json')
    expect(entries).toEqual(expect.arrayContaining(['agenta.db', 'secret.key']))
    expect(entries.some((e) => e.startsWith('knowledge/uploads/'))).toBe(true)
    // Logs and the backups themselves stay out.
    expect(entries.some((e) => e.startsWith('logs/') || e.startsWith('backups/'))).toBe(false)
  })

  test('without the token, nothing of it is served', async () => {
    const name = (await srv.api('GET', '/api/backups')).body[0].name
    expect((await fetch(`${srv.url}/api/backups/${name}/file`)).status).toBe(401)
    expect((await srv.api('GET', '/api/backups/..%2Fagenta.db/file')).status).toBe(400)
  })
})

describe('a restore checks the file first and refuses what it cannot put back', () => {
  const refusals: Array<[string, () => Promise<Buffer>, number, string]> = [
    ['random bytes', async () => Buffer.from('this is not a backup at all'), 400, 'damaged'],
    ['a cut-off download', async () => archive.subarray(0, Math.floor(archive.length / 2)), 400, 'damaged'],
    ['a tar without a manifest', () => makeArchive({ 'notes.txt': 'hello' }), 400, 'not_a_backup'],
    ['a newer format', () => makeArchive({ 'manifest.json': manifest({ format: 99 }), 'agenta.db': sqliteBytes(() => undefined) }), 422, 'newer_format'],
    [
      'a database from a newer version',
      () =>
        makeArchive({
          'manifest.json': manifest(),
          'agenta.db': sqliteBytes((db) => {
            db.exec('CREATE TABLE kysely_migration (name TEXT PRIMARY KEY, timestamp TEXT)')
            db.prepare('INSERT INTO kysely_migration VALUES (?, ?)').run('999_from_the_future', '')
          })
        }),
      422,
      'newer_database'
    ],
    ['a damaged database', () => makeArchive({ 'manifest.json': manifest(), 'agenta.db': Buffer.alloc(8192, 7) }), 400, 'database_damaged'],
    [
      'an entry outside the data folder',
      () => makeArchive({ 'manifest.json': manifest(), 'agenta.db': sqliteBytes(() => undefined), 'logs/x': 'y' }),
      400,
      'not_a_backup'
    ]
  ]
  for (const [what, make, status, reason] of refusals) {
    test(`${what}: ${status} ${reason}, nothing changed and nothing kept`, async () => {
      const before = (await srv.api('GET', '/api/backups')).body
      const res = await upload(srv, await make())
      expect(res.status).toBe(status)
      expect(res.body.error.details.reason).toBe(reason)
      expect(await names(srv)).toEqual(['Before'])
      expect((await srv.api('GET', '/api/backups')).body).toEqual(before)
    })
  }

  test('not an archive type: 415; an unknown stage: 404; no restart hook: 409', async () => {
    expect((await upload(srv, archive, 'text/plain')).status).toBe(415)
    expect((await srv.api('POST', '/api/backup-restore', { stageId: 'nope' })).status).toBe(404)
    const staged = await upload(srv, archive)
    expect(staged.status).toBe(201)
    const res = await srv.api('POST', '/api/backup-restore', { stageId: staged.body.stageId })
    expect(res.status).toBe(409)
  })
})

describe('restore: confirmed, the core restarts on the backup', () => {
  test('what changed since the backup is replaced; the API key still opens; the data from before is kept aside', async () => {
    // Changes after the backup.
    await srv.api('POST', '/api/agents', { name: 'After', providerId, model: 'fake-chat' })
    const before = (await srv.api('GET', '/api/agents')).body.find((a: { name: string }) => a.name === 'Before')
    await srv.api('DELETE', `/api/agents/${before.id}`)
    expect(await names(srv)).toEqual(['After'])

    const staged = await upload(srv, archive)
    expect(staged.status).toBe(201)
    expect(staged.body.manifest).toMatchObject({ format: 1, app: 'agenta-studio', secrets: { keyFile: true, keychain: false } })
    expect(staged.body.manifest.counts).toMatchObject({ agents: 1, sessions: 1, knowledgeBases: 1, documents: 1 })
    // The uploaded file is kept with the backups: it can be restored again later.
    expect((await srv.api('GET', '/api/backups')).body.map((b: { name: string }) => b.name)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^uploaded-/)])
    )

    let restart!: () => void
    const restarted = new Promise<void>((r) => (restart = r))
    srv.runtime.onRestart(restart)
    const res = await srv.api('POST', '/api/backup-restore', { stageId: staged.body.stageId })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ restarting: true })
    await restarted

    const dataDir = srv.dataDir
    await srv.close({ keepData: true })
    srv = await bootServer({ dataDir })
    expect(await names(srv)).toEqual(['Before'])
    expect((await srv.api('GET', '/api/sessions')).body.map((s: { title: string }) => s.title)).toEqual(['Kept chat'])
    // The key file came with it: the sealed API key opens and the provider answers.
    expect((await srv.api('POST', `/api/providers/${providerId}/test`)).body).toMatchObject({ ok: true })
    const outcome = (await srv.api('GET', '/api/backup-restore')).body
    expect(outcome).toMatchObject({ ok: true, manifest: { counts: { agents: 1 } } })
    expect(readdirSync(outcome.previousDir)).toEqual(expect.arrayContaining(['agenta.db', 'secret.key']))
    // The backups folder is not part of what is replaced.
    expect((await srv.api('GET', '/api/backups')).body.length).toBeGreaterThanOrEqual(2)
  })
})

describe('the swap at start never loses the data it replaces', () => {
  async function stagedFolder() {
    const booted = await bootRuntime()
    await dispatch(booted.runtime, 'agents.create', { name: 'Original' }, ownerContext())
    await booted.runtime.close()
    return booted
  }
  const agentNames = async (dataDir: string) => {
    const b = await bootRuntime({ dataDir })
    const list = (await b.runtime.agents.list()).map((a) => a.name)
    await b.close({ keepData: true })
    return list
  }

  test('a failure half-way through the moves puts everything back', async () => {
    const booted = await stagedFolder()
    const staged = stageDirFor(booted.dataDir, 's1')
    mkdirSync(join(staged, 'vectors'), { recursive: true })
    writeFileSync(join(staged, 'agenta.db'), readFileSync(join(booted.dataDir, 'agenta.db')))
    scheduleRestore(booted.dataDir, 's1', JSON.parse(manifest()))
    expect(applyPendingRestore(booted.dataDir, { failAfterMoves: 2 })).toBeNull()
    expect(await agentNames(booted.dataDir)).toEqual(['Original'])
    const outcome = JSON.parse(readFileSync(join(booted.dataDir, '.restore', 'last.json'), 'utf8'))
    expect(outcome).toMatchObject({ ok: false })
  })

  test('a crash in the middle of the moves is undone at the next start', async () => {
    const booted = await stagedFolder()
    const staged = stageDirFor(booted.dataDir, 's2')
    mkdirSync(staged, { recursive: true })
    writeFileSync(join(staged, 'agenta.db'), 'not the right data')
    // As a crash leaves it: the journal says swapping, the database moved aside, nothing moved in.
    const previous = join(booted.dataDir, '.restore', 'previous-s2')
    mkdirSync(previous, { recursive: true })
    const { renameSync } = await import('node:fs')
    renameSync(join(booted.dataDir, 'agenta.db'), join(previous, 'agenta.db'))
    writeFileSync(
      join(booted.dataDir, '.restore', 'pending.json'),
      JSON.stringify({ stageId: 's2', manifest: JSON.parse(manifest()), phase: 'swapping', moves: [{ item: 'agenta.db', dir: 'out' }] })
    )
    expect(await agentNames(booted.dataDir)).toEqual(['Original'])
    expect(existsSync(join(booted.dataDir, '.restore', 'pending.json'))).toBe(false)
  })

  test('a restored database that does not open is rolled back and the studio opens on the data from before', async () => {
    const booted = await stagedFolder()
    const staged = stageDirFor(booted.dataDir, 's3')
    mkdirSync(staged, { recursive: true })
    writeFileSync(join(staged, 'agenta.db'), Buffer.alloc(8192, 7))
    scheduleRestore(booted.dataDir, 's3', JSON.parse(manifest()))
    expect(await agentNames(booted.dataDir)).toEqual(['Original'])
    const outcome = JSON.parse(readFileSync(join(booted.dataDir, '.restore', 'last.json'), 'utf8'))
    expect(outcome.ok).toBe(false)
    expect(outcome.error).toMatch(/could not be opened/)
  })
})
