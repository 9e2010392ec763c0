import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bootServer, type BootedServer } from '../../utils/boot'
import { startFakeLlm, type FakeLlm } from '../../utils/fake-llm'
import { agentsRepo } from '../../../src-main/store/repos/agents'
import { chatRepo } from '../../../src-main/store/repos/chat'
import { digitalHumansRepo } from '../../../src-main/store/repos/digital-humans'
import { documentsRepo } from '../../../src-main/store/repos/documents'
import { knowledgeBasesRepo } from '../../../src-main/store/repos/knowledge-bases'
import { knowledgeCollectionsRepo } from '../../../src-main/store/repos/knowledge-collections'
import { knowledgeSourcesRepo } from '../../../src-main/store/repos/knowledge-sources'
import { memoriesRepo } from '../../../src-main/store/repos/memories'
import { providersRepo } from '../../../src-main/store/repos/providers'
import { schedulesRepo } from '../../../src-main/store/repos/schedules'
import { toolsRepo } from '../../../src-main/store/repos/tools'

let s: BootedServer
let llm: FakeLlm

beforeAll(async () => {
  llm = await startFakeLlm()
  s = await bootServer()
})
afterAll(async () => {
  await s?.close()
  await llm?.close()
})

describe('an update with no fields', () => {
  it('PUT /api/models/:id {} leaves the model as it was and answers it', async () => {
    const p = (await s.api('POST', '/api/providers', { name: 'p-empty', baseUrl: llm.baseUrl })).body
    const m = (await s.api('POST', '/api/models', { providerId: p.id, modelId: 'm1', type: 'chat' })).body
    const res = await s.api('PUT', `/api/models/${m.id}`, {})
    expect(res.status).toBe(200)
    expect(res.body).toEqual(m)
  })

  it('every other PUT with {} answers 200 with the unchanged entity (never an SQL error)', async () => {
    const p = (await s.api('POST', '/api/providers', { name: 'p-empty-2', baseUrl: llm.baseUrl })).body
    const agent = (await s.api('POST', '/api/agents', { name: 'a-empty' })).body
    const tool = (await s.api('POST', '/api/tools', { name: 't-empty', config: { transport: 'streamable-http', url: 'http://127.0.0.1:9/mcp' } })).body
    const kb = (await s.api('POST', '/api/knowledge-bases', { name: 'kb-empty' })).body
    const memory = (await s.api('POST', '/api/memories', { userId: 'u1', text: 'likes tea' })).body
    const avatar = (await s.api('POST', '/api/digital-humans', { name: 'dh-empty', kind: 'builtin' })).body
    for (const [path, before] of [
      [`/api/digital-humans/${avatar.id}`, avatar],
      [`/api/providers/${p.id}`, p],
      [`/api/agents/${agent.id}`, agent],
      [`/api/tools/${tool.id}`, tool],
      [`/api/knowledge-bases/${kb.id}`, kb],
      [`/api/memories/${memory.id}`, memory]
    ] as const) {
      const res = await s.api('PUT', path, {})
      expect(res.status, path).toBe(200)
      expect(res.body.id, path).toBe(before.id)
    }
  })
})

describe('every repository', () => {
  it('treats an update with nothing to set as a no-op', async () => {
    const db = s.runtime.store.db
    const repos = {
      agents: agentsRepo(db),
      sessions: chatRepo(db).sessions,
      messages: chatRepo(db).messages,
      steps: chatRepo(db).steps,
      digitalHumans: digitalHumansRepo(db),
      documents: documentsRepo(db),
      knowledgeBases: knowledgeBasesRepo(db),
      collections: knowledgeCollectionsRepo(db),
      sources: knowledgeSourcesRepo(db),
      memories: memoriesRepo(db),
      providers: providersRepo(db),
      models: providersRepo(db).models,
      schedules: schedulesRepo(db),
      runs: schedulesRepo(db).runs,
      tools: toolsRepo(db)
    }
    for (const [name, repo] of Object.entries(repos)) {
      await expect((repo.update as (id: string, patch: object) => Promise<unknown>)('no-such-id', {}), name).resolves.not.toThrow()
      await expect((repo.update as (id: string, patch: object) => Promise<unknown>)('no-such-id', { name: undefined }), name).resolves.not.toThrow()
    }
  })
})

describe('refresh-models racing a provider delete', () => {
  it('answers 404 when the provider is deleted while its model list is being fetched', async () => {
    // A provider whose /models answer waits until the test has deleted the provider.
    let arrived!: () => void
    const requested = new Promise<void>((r) => (arrived = r))
    let release!: () => void
    const released = new Promise<void>((r) => (release = r))
    const slow = http.createServer((req, res) => {
      arrived()
      void released.then(() => {
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ object: 'list', data: [{ id: 'late-model', object: 'model', created: 1, owned_by: 'x' }] }))
      })
    })
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r))
    try {
      const base = `http://127.0.0.1:${(slow.address() as AddressInfo).port}/v1`
      const p = (await s.api('POST', '/api/providers', { name: 'p-race', baseUrl: base })).body
      const refresh = s.api('POST', `/api/providers/${p.id}/refresh-models`)
      await requested
      expect((await s.api('DELETE', `/api/providers/${p.id}`)).status).toBe(200)
      release()
      const res = await refresh
      expect(res.status).toBe(404)
      expect(res.body.error).toMatchObject({ code: 'not_found', message: expect.stringContaining(p.id) })
      expect((await s.api('GET', `/api/models?providerId=${p.id}`)).body).toEqual([])
    } finally {
      release()
      slow.closeAllConnections()
      await new Promise((r) => slow.close(r))
    }
  })
})
