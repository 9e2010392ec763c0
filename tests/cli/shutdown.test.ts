import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import http from 'node:http'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { killAgentas, runAgenta } from '../utils/agenta-cli'
import { bootRuntime, tempDir } from '../utils/boot'
import { startFakeLlm, type FakeLlm } from '../utils/fake-llm'
import { testKnowledgeOptions } from '../integration/knowledge/helpers'

/**
 * SIGTERM to a real `agenta serve` (the built command: `npx electron-vite build` first) while it
 * streams a turn or imports documents: shutdown runs in phases (core/shutdown.ts).
 */
let llm: FakeLlm

beforeAll(async () => {
  llm = await startFakeLlm()
})
afterAll(async () => {
  await llm?.close()
})
afterEach(() => {
  llm.reset()
  killAgentas()
})

function serve(data: string, env: Record<string, string> = {}) {
  const agenta = runAgenta(['serve', '--port', '0', '--data', data, '--token', 'tok'], { AGENTA_LOG_LEVEL: 'info', ...env })
  const started = agenta.started.then((s) => s.url)
  started.catch(() => {})
  /** The JSON log lines written so far. */
  const logLines = () =>
    agenta
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
  return { ...agenta, started, logLines }
}

async function api(url: string, method: string, path: string, body?: unknown) {
  const res = await fetch(url + path, {
    method,
    headers: { authorization: 'Bearer tok', 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body)
  })
  const json = await res.json()
  if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`)
  return json
}

/** A provider on the fake model server and an agent that chats through it, with a session. */
async function agentSession(url: string, baseUrl = llm.baseUrl) {
  const provider = await api(url, 'POST', '/api/providers', { name: 'fake', kind: 'custom', baseUrl })
  const agent = await api(url, 'POST', '/api/agents', { name: 'Talker', providerId: provider.id, model: 'fake-chat' })
  const session = await api(url, 'POST', '/api/sessions', { agentId: agent.id })
  return { provider, agent, sessionId: session.id as string }
}

/** Starts a studio turn; yields its events as they come. */
async function* turnEvents(url: string, sessionId: string, message: string): AsyncGenerator<any> {
  const res = await fetch(`${url}/api/chat/turn`, {
    method: 'POST',
    headers: { authorization: 'Bearer tok', 'content-type': 'application/json' },
    body: JSON.stringify({ sessionId, message })
  })
  expect(res.status).toBe(200)
  const decoder = new TextDecoder()
  let buf = ''
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buf += decoder.decode(chunk, { stream: true })
    let i
    while ((i = buf.indexOf('\n\n')) >= 0) {
      const frame = buf.slice(0, i)
      buf = buf.slice(i + 2)
      const data = frame
        .split('\n')
        .filter((l) => l.startsWith('data: '))
        .map((l) => l.slice(6))
        .join('\n')
      if (data) yield JSON.parse(data)
    }
  }
}

const words = (n: number) => Array.from({ length: n }, (_, i) => `w${i} `)

/** The session's messages as the SQLite file holds them (read after the process is gone). */
function storedMessages(data: string, sessionId: string) {
  const db = new Database(join(data, 'agenta.db'), { readonly: true })
  try {
    return (db.prepare('select role, content, meta from messages where session_id = ? order by created_at').all(sessionId) as any[]).map((m) => ({
      ...m,
      meta: JSON.parse(m.meta)
    }))
  } finally {
    db.close()
  }
}

describe('agenta serve shutting down', () => {
  it('lets a streaming turn finish within the grace period, then exits 0 with the answer saved', async () => {
    const data = tempDir()
    const s = serve(data, { AGENTA_SHUTDOWN_GRACE_MS: '8000' })
    const url = await s.started
    const { sessionId } = await agentSession(url)
    llm.script({ chunks: words(10), chunkDelayMs: 100 })
    const events: any[] = []
    let refusedWhileStreaming = false
    for await (const e of turnEvents(url, sessionId, 'tell me')) {
      events.push(e)
      const deltas = events.filter((x) => x.type === 'delta').length
      if (deltas === 2) s.child.kill('SIGTERM')
      // Nobody new gets in while the turn drains: the server stopped listening.
      if (deltas > 2 && e.type === 'delta' && !refusedWhileStreaming)
        refusedWhileStreaming = await fetch(`${url}/healthz`).then(
          () => false,
          () => true
        )
    }
    expect(refusedWhileStreaming).toBe(true)
    // The whole answer reached the client, ending with done.
    expect(events.at(-1)).toMatchObject({ type: 'done', status: 'ok' })
    expect(events.filter((e) => e.type === 'delta').map((e) => e.content)).toEqual(words(10))
    expect(await s.exited).toBe(0)
    const answer = storedMessages(data, sessionId).find((m) => m.role === 'assistant')
    expect(answer).toMatchObject({ content: words(10).join(''), meta: { status: 'ok' } })
    // Every phase logged with its duration, in order.
    const phases = s.logLines().filter((l) => l.msg === 'shutdown phase done')
    expect(phases.map((l) => l.phase)).toEqual(['requests', 'turns', 'workers', 'mcp', 'store'])
    for (const p of phases) expect(typeof p.ms).toBe('number')
  })

  it('stops a turn that outlasts the grace period: the client gets done, the partial answer is kept as interrupted', async () => {
    const data = tempDir()
    const s = serve(data, { AGENTA_SHUTDOWN_GRACE_MS: '300' })
    const url = await s.started
    const { sessionId } = await agentSession(url)
    llm.script({ chunks: words(200), chunkDelayMs: 100 })
    const events: any[] = []
    for await (const e of turnEvents(url, sessionId, 'a long one')) {
      events.push(e)
      if (events.filter((x) => x.type === 'delta').length === 3) s.child.kill('SIGTERM')
    }
    expect(events.at(-1)).toMatchObject({ type: 'done', status: 'stopped' })
    const said = events
      .filter((e) => e.type === 'delta')
      .map((e) => e.content)
      .join('')
    expect(said).toMatch(/^w0 w1 w2 /)
    expect(said).not.toContain('w199')
    expect(await s.exited).toBe(0)
    const answer = storedMessages(data, sessionId).find((m) => m.role === 'assistant')
    expect(answer.content).toBe(said)
    expect(answer.meta).toMatchObject({ status: 'stopped', error: expect.stringMatching(/^Interrupted: the app shut down/) })
    // The model request was given up, not left running.
    await expect.poll(() => llm.requests.at(-1)!.aborted, { timeout: 2_000, interval: 20 }).toBe(true)
  })

  it('exits 1 past the deadline, naming the phase that hung', async () => {
    const s = serve(tempDir(), { AGENTA_SHUTDOWN_GRACE_MS: '60000', AGENTA_SHUTDOWN_TIMEOUT_MS: '500' })
    const url = await s.started
    const { sessionId } = await agentSession(url)
    llm.script({ chunks: words(600), chunkDelayMs: 100 })
    // The client stays (leaving would stop the turn); the stream is cut when the process exits.
    try {
      for await (const e of turnEvents(url, sessionId, 'never ends')) if (e.type === 'delta' && s.child.signalCode === null) s.child.kill('SIGTERM')
    } catch {
      // cut by the exit
    }
    expect(await s.exited).toBe(1)
    expect(s.logLines().find((l) => l.msg === 'shutdown deadline passed; exiting')).toMatchObject({ phase: 'turns', deadlineMs: 500 })
    expect(s.errors()).toMatch(/stuck at: turns/)
  })

  // 120 documents through a model server that answers each embedding 100 ms late, a stop, a restart
  // and the rest of the import: ~20 s on a quiet 2-core machine, twice that under load.
  it('stops an import at a checkpoint: after a restart every document is ready, none twice', { timeout: 120_000 }, async () => {
    const data = tempDir()
    const folder = join(data, 'corpus')
    mkdirSync(folder)
    const FILES = 120
    for (let i = 0; i < FILES; i++) {
      const lines = [`# Document ${i}`, '', `Marker DOC${i}MARK for document number ${i}.`]
      for (let p = 0; p < 8; p++) lines.push('', `Paragraph ${p} of file ${i}: the scenic area keeps its records in order, and visitors read them.`)
      writeFileSync(join(folder, `doc-${String(i).padStart(3, '0')}.md`), lines.join('\n'))
    }
    // Embeddings answer slowly, so the import is still going when the signal comes.
    const slow = http.createServer((req, res) => {
      const delay = req.url?.includes('embeddings') ? 100 : 0
      setTimeout(() => {
        const up = http.request(`${llm.baseUrl.replace(/\/v1$/, '')}${req.url}`, { method: req.method, headers: req.headers }, (r) => {
          res.writeHead(r.statusCode!, r.headers)
          r.pipe(res)
        })
        up.on('error', () => res.destroy())
        req.pipe(up)
      }, delay)
    })
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r))
    const slowUrl = `http://127.0.0.1:${(slow.address() as { port: number }).port}/v1`
    try {
      const s = serve(data)
      const url = await s.started
      const provider = await api(url, 'POST', '/api/providers', { name: 'fake', kind: 'custom', baseUrl: slowUrl })
      const model = await api(url, 'POST', '/api/models', { providerId: provider.id, modelId: 'fake-embed', type: 'embedding' })
      const kb = await api(url, 'POST', '/api/knowledge-bases', { name: 'bulk', embeddingModelId: model.id, chunkSize: 200, chunkOverlap: 20 })
      await api(url, 'POST', `/api/knowledge-bases/${kb.id}/add-paths`, { paths: [folder] })
      // Documents are written (indexing) one by one and made ready together at the batch end.
      const written = async () => {
        const { byStatus } = (await api(url, 'GET', `/api/knowledge-bases/${kb.id}/status`)).counts
        return (byStatus.indexing ?? 0) + (byStatus.ready ?? 0)
      }
      await expect.poll(written, { timeout: 30_000, interval: 50 }).toBeGreaterThanOrEqual(10)
      s.child.kill('SIGTERM')
      expect(await s.exited).toBe(0)

      const b = await bootRuntime({ dataDir: data, knowledge: testKnowledgeOptions })
      try {
        const rt = b.runtime
        const before = await rt.knowledge.documents.list(kb.id, { offset: 0, limit: 1 })
        expect(before.counts.total).toBe(FILES)
        // The signal really came mid-way.
        expect(before.counts.byStatus.ready ?? 0).toBeLessThan(FILES)
        await rt.knowledge.queue.whenIdle()
        const after = await rt.knowledge.documents.list(kb.id, { offset: 0, limit: 500 })
        expect(after.counts.byStatus).toEqual({ ready: FILES })
        const chunkSum = after.items.reduce((n, d) => n + d.chunks, 0)
        const state = await rt.knowledge.collections.state(kb.id)
        // Exactly one vector row per served chunk.
        expect(await rt.knowledge.vector.count(state.collection!)).toBe(chunkSum)
      } finally {
        await b.close({ keepData: true })
      }
    } finally {
      await new Promise((r) => slow.close(r))
    }
  })
})
