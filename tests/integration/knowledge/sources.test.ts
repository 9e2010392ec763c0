import Database from 'better-sqlite3'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bootServer, type BootedServer } from '../../utils/boot'
import { createTempMysqlDb } from '../../utils/mariadb'
import { newDir, testKnowledgeOptions } from './helpers'

/** Database (SQLite file, MariaDB) and API sources: rows/items become documents; re-sync adds, replaces and removes. */
let s: BootedServer
let kbId: string
let api: http.Server
let apiUrl = ''
let apiItems: Array<Record<string, unknown>> = []
const apiRequests: Array<{ method: string; auth?: string; body: string }> = []

beforeAll(async () => {
  s = await bootServer({ knowledge: testKnowledgeOptions })
  kbId = (await s.api('POST', '/api/knowledge-bases', { name: 'Sources' })).body.id
  api = http.createServer((req, res) => {
    let body = ''
    req.on('data', (c) => (body += c))
    req.on('end', () => {
      apiRequests.push({ method: req.method ?? '', auth: req.headers.authorization, body })
      if (req.headers.authorization !== 'Bearer s3cret') {
        res.writeHead(401).end('{"error":"no"}')
        return
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: { items: apiItems }, total: apiItems.length }))
    })
  })
  await new Promise<void>((r) => api.listen(0, '127.0.0.1', () => r()))
  apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}/faq`
})
afterAll(async () => {
  await s?.close()
  await new Promise((r) => api?.close(r))
})

const idle = () => s.runtime.knowledge.queue.whenIdle()
const find = async (query: string) =>
  (await s.api('POST', `/api/knowledge-bases/${kbId}/search`, { query, mode: 'fulltext', topK: 3 })).body.hits as Array<{ docName: string; text: string }>
const sync = async (id: string) => {
  const r = await s.api('POST', `/api/knowledge-bases/${kbId}/sources/${id}/sync`)
  expect(r.status, JSON.stringify(r.body)).toBe(200)
  return r.body
}

describe('database and API sources', () => {
  it('indexes rows of a SQLite file and re-syncs changes and deletions', async () => {
    const file = join(newDir('sqlite'), 'shop.db')
    const db = new Database(file)
    db.exec('CREATE TABLE products (id INTEGER PRIMARY KEY, name TEXT, description TEXT, price REAL)')
    const insert = db.prepare('INSERT INTO products (id, name, description, price) VALUES (?, ?, ?, ?)')
    insert.run(1, '竹编灯笼', '手工竹编的灯笼，适合挂在庭院。', 68)
    insert.run(2, 'Tea set', 'A celadon tea set with six cups.', 240)
    insert.run(3, 'Fan', '', 15)
    db.close()

    const created = await s.api('POST', `/api/knowledge-bases/${kbId}/sources`, {
      name: 'Shop',
      config: {
        kind: 'database',
        connection: { type: 'sqlite', path: file },
        query: 'SELECT id, name, description, price FROM products',
        textColumns: ['description', 'price'],
        titleColumn: 'name',
        idColumn: 'id'
      }
    })
    expect(created.status, JSON.stringify(created.body)).toBe(200)
    const source = created.body
    expect(source).toMatchObject({ name: 'Shop', schedule: null, syncState: 'idle', documentCount: 0 })

    const first = await sync(source.id)
    expect(first).toMatchObject({ ok: true, error: null, stats: { added: 3, updated: 0, unchanged: 0, removed: 0, skipped: 0 } })
    await idle()
    const hits = await find('竹编灯笼')
    expect(hits[0]).toMatchObject({ docName: '竹编灯笼' })
    expect(hits[0].text).toBe('description: 手工竹编的灯笼，适合挂在庭院。\nprice: 68')

    const again = await sync(source.id)
    expect(again.stats).toMatchObject({ added: 0, updated: 0, unchanged: 3, removed: 0 })

    const w = new Database(file)
    w.prepare('UPDATE products SET description = ? WHERE id = 2').run('A celadon tea set with eight cups and a tray.')
    w.prepare('DELETE FROM products WHERE id = 1').run()
    w.close()
    const third = await sync(source.id)
    expect(third.stats).toMatchObject({ added: 0, updated: 1, unchanged: 1, removed: 1 })
    await idle()
    expect((await find('eight cups tray'))[0].docName).toBe('Tea set')
    expect((await find('six cups')).map((h) => h.text).join()).not.toContain('six cups')
    expect((await find('竹编灯笼')).map((h) => h.docName)).not.toContain('竹编灯笼')
    const listed = (await s.api('GET', `/api/knowledge-bases/${kbId}/sources`)).body
    expect(listed[0]).toMatchObject({ id: source.id, lastSyncStatus: 'ok', documentCount: 2, lastSyncStats: third.stats })

    // A broken query fails the sync with its reason and removes nothing.
    await s.api('PUT', `/api/knowledge-bases/${kbId}/sources/${source.id}`, { config: { ...source.config, query: 'SELECT nope FROM products' } })
    const bad = await sync(source.id)
    expect(bad.ok).toBe(false)
    expect(bad.error).toMatch(/no such column: nope/)
    expect((await s.api('GET', `/api/knowledge-bases/${kbId}/sources`)).body[0]).toMatchObject({ lastSyncStatus: 'failed', documentCount: 2 })
    const missingColumn = await s.api('PUT', `/api/knowledge-bases/${kbId}/sources/${source.id}`, { config: { ...source.config, textColumns: ['summary'] } })
    expect(missingColumn.status).toBe(200)
    expect((await sync(source.id)).error).toMatch(/column summary is not in the result \(it has: id, name, description, price\)/)
    // A write is refused: the file is opened read-only.
    await s.api('PUT', `/api/knowledge-bases/${kbId}/sources/${source.id}`, { config: { ...source.config, query: 'DELETE FROM products' } })
    expect((await sync(source.id)).error).toMatch(/must return rows|readonly/i)

    expect((await s.api('DELETE', `/api/knowledge-bases/${kbId}/sources/${source.id}`)).status).toBe(200)
    await idle()
    expect((await find('eight cups tray')).map((h) => h.docName)).not.toContain('Tea set')
  })

  it('indexes rows of a MariaDB table, read-only', async () => {
    const temp = await createTempMysqlDb()
    try {
      const { createConnection } = await import('mysql2/promise')
      const c = await createConnection({ uri: temp.url, charset: 'utf8mb4' })
      await c.query('CREATE TABLE notices (id INT PRIMARY KEY, title VARCHAR(100), body TEXT) CHARACTER SET utf8mb4')
      await c.query('INSERT INTO notices VALUES (1, ?, ?), (2, ?, ?)', [
        '闭园通知',
        '台风期间景区暂停开放，恢复时间另行通知。',
        'Night tour',
        'Night tours start at 19:30 from the west gate.'
      ])
      const url = temp.url.replace('mysql://root@', 'mysql://root:@')
      const created = await s.api('POST', `/api/knowledge-bases/${kbId}/sources`, {
        name: 'Notices',
        config: {
          kind: 'database',
          connection: { type: 'mysql', url },
          query: 'SELECT id, title, body FROM notices ORDER BY id',
          textColumns: ['body'],
          titleColumn: 'title',
          idColumn: 'id'
        },
        schedule: '0 3 * * *'
      })
      expect(created.status, JSON.stringify(created.body)).toBe(200)
      const first = await sync(created.body.id)
      expect(first).toMatchObject({ ok: true, stats: { added: 2 } })
      await idle()
      expect((await find('台风暂停开放'))[0]).toMatchObject({ docName: '闭园通知', text: '台风期间景区暂停开放，恢复时间另行通知。' })
      await c.query('UPDATE notices SET body = ? WHERE id = 2', ['Night tours start at 20:00 from the lake pier.'])
      expect((await sync(created.body.id)).stats).toMatchObject({ updated: 1, unchanged: 1 })
      await idle()
      expect((await find('lake pier'))[0].docName).toBe('Night tour')
      await s.api('PUT', `/api/knowledge-bases/${kbId}/sources/${created.body.id}`, { config: { ...created.body.config, query: 'DELETE FROM notices' } })
      expect((await sync(created.body.id)).ok).toBe(false)
      const [[{ n }]] = (await c.query('SELECT COUNT(*) AS n FROM notices')) as any
      expect(Number(n)).toBe(2)
      await c.end()
      await s.api('DELETE', `/api/knowledge-bases/${kbId}/sources/${created.body.id}`)
    } finally {
      await temp.drop()
    }
  })

  it('indexes items of a JSON API with headers and keeps secrets masked', async () => {
    apiItems = [
      { id: 'a1', question: { text: 'Is there Wi-Fi?' }, answer: 'Free Wi-Fi covers the visitor centre.', tags: ['wifi'] },
      { id: 'a2', question: { text: '有没有储物柜？' }, answer: '东门有储物柜，每天五元。', tags: [] }
    ]
    const bad = await s.api('POST', `/api/knowledge-bases/${kbId}/sources`, {
      name: 'Bad',
      config: { kind: 'api', url: apiUrl, fields: ['answer'] },
      schedule: 'every day'
    })
    expect(bad.status).toBe(422)
    const created = await s.api('POST', `/api/knowledge-bases/${kbId}/sources`, {
      name: 'FAQ',
      config: {
        kind: 'api',
        method: 'POST',
        url: apiUrl,
        headers: { authorization: 'Bearer s3cret' },
        body: '{"lang":"all"}',
        itemsPath: 'data.items',
        fields: ['answer'],
        titleField: 'question.text',
        idField: 'id'
      }
    })
    expect(created.status, JSON.stringify(created.body)).toBe(200)
    expect(created.body.config.headers.authorization).not.toContain('s3cret')
    expect(JSON.stringify(created.body)).not.toContain('s3cret')
    const first = await sync(created.body.id)
    expect(first).toMatchObject({ ok: true, stats: { added: 2 } })
    expect(apiRequests.at(-1)).toMatchObject({ method: 'POST', auth: 'Bearer s3cret', body: '{"lang":"all"}' })
    await idle()
    expect((await find('储物柜'))[0]).toMatchObject({ docName: '有没有储物柜？', text: '东门有储物柜，每天五元。' })

    // The masked header sent back unchanged keeps the stored secret.
    const renamed = await s.api('PUT', `/api/knowledge-bases/${kbId}/sources/${created.body.id}`, { name: 'FAQ v2', config: created.body.config })
    expect(renamed.body.name).toBe('FAQ v2')
    apiItems = [apiItems[1], { id: 'a3', question: { text: 'Can I fly a drone?' }, answer: 'Drones need a permit from the office.' }]
    expect((await sync(created.body.id)).stats).toMatchObject({ added: 1, unchanged: 1, removed: 1 })
    expect(apiRequests.at(-1)!.auth).toBe('Bearer s3cret')
    await idle()
    expect((await find('drone permit'))[0].docName).toBe('Can I fly a drone?')
    expect((await find('Free Wi-Fi visitor centre')).map((h) => h.docName)).not.toContain('Is there Wi-Fi?')

    await s.api('PUT', `/api/knowledge-bases/${kbId}/sources/${created.body.id}`, { config: { ...created.body.config, itemsPath: 'data.rows' } })
    const wrong = await sync(created.body.id)
    expect(wrong.error).toMatch(/No list at "data\.rows".*top-level keys: data, total/)
  })
})
