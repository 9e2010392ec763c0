import { mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { bootServer, tempDir, type BootedServer } from '../../utils/boot'
import { testKnowledgeOptions } from './helpers'

/** Partial uploads cut by a kill are removed at start-up; completed uploads stay. */
let s: BootedServer | undefined
afterEach(async () => {
  await s?.close()
  s = undefined
})

async function upload(srv: BootedServer, kbId: string, name: string, text: string) {
  const form = new FormData()
  form.append('file', new Blob([text], { type: 'text/plain' }), name)
  const res = await fetch(`${srv.url}/api/knowledge-bases/${kbId}/upload`, { method: 'POST', headers: { authorization: `Bearer ${srv.token}` }, body: form })
  expect(res.status).toBe(201)
  return ((await res.json()) as { documents: Array<{ id: string }> }).documents[0]
}

describe('uploads folder at start-up', () => {
  it('removes files left in .incoming by a killed upload and keeps completed uploads', async () => {
    const dataDir = tempDir()
    s = await bootServer({ dataDir, knowledge: testKnowledgeOptions })
    const kb = (await s.api('POST', '/api/knowledge-bases', { name: 'Uploads', embeddingModelId: null })).body
    const doc = await upload(s, kb.id, 'kept.txt', 'The ferry leaves at nine.')
    await s.runtime.knowledge.queue.whenIdle()
    await s.close({ keepData: true })
    s = undefined

    // What a kill in the middle of two uploads leaves behind (an old one and one just cut).
    const incoming = join(dataDir, 'knowledge', 'uploads', '.incoming')
    mkdirSync(incoming, { recursive: true })
    writeFileSync(join(incoming, '1700000000000-aaaaaaaaaaaaaaaa'), 'half of a file')
    writeFileSync(join(incoming, '1700000000001-bbbbbbbbbbbbbbbb'), 'another half')
    const past = new Date(Date.now() - 5 * 60_000)
    utimesSync(join(incoming, '1700000000000-aaaaaaaaaaaaaaaa'), past, past)
    // "Just cut" whatever the start-up takes on a busy machine: its time is ahead of the clock.
    const ahead = new Date(Date.now() + 60_000)
    utimesSync(join(incoming, '1700000000001-bbbbbbbbbbbbbbbb'), ahead, ahead)

    s = await bootServer({ dataDir, knowledge: { ...testKnowledgeOptions, incomingGraceMs: 300 } })
    // The old one is gone when the runtime is up; the fresh one once it has stayed unchanged for the grace time.
    expect(readdirSync(incoming)).toEqual(['1700000000001-bbbbbbbbbbbbbbbb'])
    await expect.poll(() => readdirSync(incoming)).toEqual([])

    const after = await s.api('GET', `/api/knowledge-bases/${kb.id}/documents/${doc.id}`)
    expect(after.body).toMatchObject({ status: 'ready', name: 'kept.txt' })
    expect(readdirSync(join(dataDir, 'knowledge', 'uploads', kb.id))).toEqual([`${doc.id}.txt`])
    await s.runtime.knowledge.documents.reindex(kb.id, doc.id)
    await s.runtime.knowledge.queue.whenIdle()
    expect((await s.api('GET', `/api/knowledge-bases/${kb.id}/documents/${doc.id}`)).body).toMatchObject({ status: 'ready', error: null })
  })
})
