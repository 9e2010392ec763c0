import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bootServer, type BootedServer } from '../utils/boot'
import { startFakeLlm, type FakeLlm } from '../utils/fake-llm'
import { endpoints } from '../../src-main/contract/api'

let s: BootedServer
let llm: FakeLlm

beforeAll(async () => {
  llm = await startFakeLlm({ apiKey: 'sk-good-key-1234' })
  s = await bootServer({ server: { bodyLimit: '64kb' } })
})
afterAll(async () => {
  await s?.close()
  await llm?.close()
})

describe('auth and host checks', () => {
  it('answers /healthz without a token but refuses the API without the right one', async () => {
    expect((await s.api('GET', '/healthz', undefined, { token: null })).status).toBe(200)
    const none = await s.api('GET', '/api/providers', undefined, { token: null })
    expect(none.status).toBe(401)
    expect(none.body.error).toMatchObject({ code: 'unauthorized', message: expect.stringContaining('token') })
    expect((await s.api('GET', '/api/providers', undefined, { token: 'wrong' })).status).toBe(401)
    expect((await s.api('GET', '/api/providers')).status).toBe(200)
  })

  it('turns ?token= on a page into an HttpOnly cookie and strips it from the URL', async () => {
    const res = await fetch(`${s.url}/agents?token=${s.token}&x=1`, { redirect: 'manual' })
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toBe('/agents?x=1')
    const cookie = res.headers.get('set-cookie') ?? ''
    expect(cookie).toMatch(/agenta_token=/)
    expect(cookie).toMatch(/HttpOnly/i)
    expect(cookie).toMatch(/SameSite=Strict/i)
    const withCookie = await s.api('GET', '/api/agents', undefined, { token: null, headers: { cookie: cookie.split(';')[0] } })
    expect(withCookie.status).toBe(200)
  })

  it('rejects a foreign Host header (DNS rebinding) and sends no CORS headers', async () => {
    const { request } = await import('node:http')
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${s.url}/api/providers`, { headers: { host: 'attacker.example', authorization: `Bearer ${s.token}` } }, (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
      })
      req.on('error', reject)
      req.end()
    })
    expect(status).toBe(403)
    const res = await s.api('GET', '/api/providers', undefined, { headers: { origin: 'https://evil.example' } })
    expect(res.headers.get('access-control-allow-origin')).toBeNull()
  })
})

describe('errors are JSON with a code and a message', () => {
  it('400 for malformed JSON and for a body that is not an object', async () => {
    const bad = await s.api('POST', '/api/providers', undefined, { rawBody: '{"name": ' })
    expect(bad.status).toBe(400)
    expect(bad.body.error.code).toBe('bad_request')
    const arr = await s.api('POST', '/api/agents', [1, 2])
    expect(arr.status).toBe(400)
    expect(arr.body.error.message).toMatch(/JSON object/)
  })

  it('422 names each invalid field', async () => {
    const res = await s.api('POST', '/api/providers', { name: '', baseUrl: 'ftp://x' })
    expect(res.status).toBe(422)
    expect(res.body.error.code).toBe('validation_failed')
    expect(res.body.error.message).toMatch(/name/)
    expect(res.body.error.message).toMatch(/baseUrl/)
    expect(res.body.error.details.issues.map((i: { path: string }) => i.path).sort()).toEqual(['baseUrl', 'name'])
    const kb = await s.api('POST', '/api/knowledge-bases', { name: 'k', chunkSize: 200, chunkOverlap: 300 })
    expect(kb.status).toBe(422)
    expect(kb.body.error.message).toMatch(/chunkOverlap/)
  })

  it('404 for unknown ids and routes, 409 for duplicates, 413 for huge bodies; never a stack trace', async () => {
    const missing = await s.api('GET', '/api/agents/nope')
    expect(missing.status).toBe(404)
    expect(missing.body.error.message).toContain('nope')
    const route = await s.api('GET', '/api/nothing-here')
    expect(route.status).toBe(404)
    expect(route.body.error.code).toBe('not_found')
    await s.api('POST', '/api/providers', { name: 'Same', baseUrl: 'http://127.0.0.1:1/v1' })
    const dup = await s.api('POST', '/api/providers', { name: 'Same', baseUrl: 'http://127.0.0.1:2/v1' })
    expect(dup.status).toBe(409)
    expect(dup.body.error.message).toContain('Same')
    const huge = await s.api('POST', '/api/agents', { name: 'big', systemPrompt: 'x'.repeat(100_000) })
    expect(huge.status).toBe(413)
    expect(huge.body.error.code).toBe('payload_too_large')
    for (const r of [missing, route, dup, huge]) expect(JSON.stringify(r.body)).not.toMatch(/at .*\.(ts|js):\d+/)
  })
})

describe('providers and agents over REST', () => {
  it('creates, lists, updates and deletes a provider without ever returning its key', async () => {
    const created = await s.api('POST', '/api/providers', { name: 'Fake', kind: 'custom', baseUrl: llm.baseUrl + '/', apiKey: 'sk-good-key-1234' })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({ name: 'Fake', baseUrl: llm.baseUrl, hasApiKey: true, apiKeyHint: 'sk-…1234' })
    const id = created.body.id
    const list = await s.api('GET', '/api/providers')
    expect(list.body.map((p: { id: string }) => p.id)).toContain(id)
    expect(JSON.stringify(list.body)).not.toContain('sk-good-key-1234')
    const updated = await s.api('PUT', `/api/providers/${id}`, { name: 'Fake LLM' })
    expect(updated.body).toMatchObject({ name: 'Fake LLM', hasApiKey: true })
    expect(JSON.stringify(updated.body)).not.toContain('good-key')
    const cleared = await s.api('PUT', `/api/providers/${id}`, { apiKey: null })
    expect(cleared.body).toMatchObject({ hasApiKey: false, apiKeyHint: null })
    expect((await s.api('DELETE', `/api/providers/${id}`)).body).toEqual({ ok: true })
    expect((await s.api('GET', `/api/providers/${id}`)).status).toBe(404)
  })

  it('tests the connection and refreshes models from the provider', async () => {
    const p = (await s.api('POST', '/api/providers', { name: 'Models', baseUrl: llm.baseUrl, apiKey: 'sk-good-key-1234' })).body
    const ok = await s.api('POST', `/api/providers/${p.id}/test`)
    expect(ok.body).toMatchObject({ ok: true, modelCount: 3 })
    const refreshed = await s.api('POST', `/api/providers/${p.id}/refresh-models`)
    expect(refreshed.status).toBe(200)
    expect(refreshed.body.added).toBe(3)
    const types = Object.fromEntries(refreshed.body.models.map((m: { modelId: string; type: string }) => [m.modelId, m.type]))
    expect(types).toEqual({ 'fake-chat': 'chat', 'fake-embed': 'embedding', 'fake-rerank': 'rerank' })

    // A model added by hand survives a refresh; one the provider dropped goes.
    await s.api('POST', '/api/models', { providerId: p.id, modelId: 'my-endpoint-123', type: 'chat' })
    llm.setModels([{ id: 'fake-chat' }, { id: 'fake-new' }])
    const second = (await s.api('POST', `/api/providers/${p.id}/refresh-models`)).body
    expect(second).toMatchObject({ added: 1, removed: 2 })
    expect(second.models.map((m: { modelId: string }) => m.modelId).sort()).toEqual(['fake-chat', 'fake-new', 'my-endpoint-123'])
    llm.reset()

    await s.api('PUT', `/api/providers/${p.id}`, { apiKey: 'sk-wrong' })
    const wrong = await s.api('POST', `/api/providers/${p.id}/test`)
    expect(wrong.body).toMatchObject({ ok: false, error: { code: 'unauthorized', message: expect.stringMatching(/API key/) } })
    const failedRefresh = await s.api('POST', `/api/providers/${p.id}/refresh-models`)
    expect(failedRefresh.status).toBe(502)
    expect(failedRefresh.body.error.message).toMatch(/API key/)

    const dead = (await s.api('POST', '/api/providers', { name: 'Dead', baseUrl: 'http://127.0.0.1:9/v1' })).body
    const unreachable = await s.api('POST', `/api/providers/${dead.id}/test`)
    expect(unreachable.body).toMatchObject({ ok: false, error: { code: 'unreachable', message: expect.stringContaining('127.0.0.1:9') } })
  })

  it('creates an agent with {name, providerId, model, systemPrompt} and finds it by id or uuid', async () => {
    const p = (await s.api('POST', '/api/providers', { name: 'ForAgent', baseUrl: llm.baseUrl })).body
    const res = await s.api('POST', '/api/agents', { name: 'Guide', providerId: p.id, model: 'fake-chat', systemPrompt: 'You guide visitors.' })
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({ id: expect.any(String), uuid: expect.any(String), name: 'Guide', model: 'fake-chat', published: false })
    expect((await s.api('GET', `/api/agents/${res.body.uuid}`)).body.id).toBe(res.body.id)
    const upd = await s.api('PUT', `/api/agents/${res.body.id}`, { quickPhrases: ['hi'], params: { temperature: 3 } })
    expect(upd.status).toBe(422)
    expect(upd.body.error.message).toMatch(/params\.temperature/)
    expect((await s.api('GET', `/api/agents/${res.body.id}`)).body.quickPhrases).toEqual([]) // nothing half-saved
    const badProvider = await s.api('POST', '/api/agents', { name: 'X', providerId: 'missing' })
    expect(badProvider.status).toBe(422)
    expect((await s.api('DELETE', `/api/agents/${res.body.id}`)).status).toBe(200)
  })
})

describe('studio turns with attachments', () => {
  it('take a body larger than the API limit (attachments), but not beyond the attachment limit', async () => {
    const p = (await s.api('POST', '/api/providers', { name: 'ForTurns', baseUrl: llm.baseUrl, apiKey: 'sk-good-key-1234' })).body
    const agent = (await s.api('POST', '/api/agents', { name: 'Reader', providerId: p.id, model: 'fake-chat' })).body
    const session = (await s.api('POST', '/api/sessions', { agentId: agent.id })).body
    const notes = Buffer.from('visitor notes '.repeat(20_000)).toString('base64') // ~370 KB, over the 64 KB API limit here
    const ok = await s.api('POST', '/api/chat/turn', {
      sessionId: session.id,
      message: 'summarise',
      attachments: [{ name: 'notes.txt', mimeType: 'text/plain', data: notes }]
    })
    expect(ok.status).toBe(200)
    expect(ok.body).toMatch(/"type":"done","status":"ok"/)
    const huge = 'A'.repeat(7_500_000)
    const tooBig = await s.api('POST', '/api/chat/turn', {
      sessionId: session.id,
      message: 'x',
      attachments: [{ name: 'big.txt', mimeType: 'text/plain', data: huge }]
    })
    expect(tooBig.status).toBe(422)
    expect(tooBig.body.error.message).toMatch(/attachments\.0\.data: must be at most 5 MB/)
  })
})

describe('files made by tools', () => {
  it('offers them for download behind the token, and never a path outside their folder', async () => {
    const { mkdirSync, writeFileSync } = await import('node:fs')
    const { join } = await import('node:path')
    mkdirSync(join(s.dataDir, 'files', 'excel'), { recursive: true })
    writeFileSync(join(s.dataDir, 'files', 'excel', 'report.xlsx'), 'workbook-bytes')
    writeFileSync(join(s.dataDir, 'secret.txt'), 'do not serve')
    const ok = await s.api('GET', '/files/excel/report.xlsx')
    expect(ok.status).toBe(200)
    expect(ok.body).toBe('workbook-bytes')
    expect(ok.headers.get('content-disposition')).toMatch(/attachment; filename="?report.xlsx"?/)
    expect((await s.api('GET', '/files/excel/report.xlsx', undefined, { token: null })).status).toBe(401)
    expect((await s.api('GET', '/files/excel/..%2F..%2Fsecret.txt')).status).toBe(400)
    expect((await s.api('GET', '/files/excel/missing.xlsx')).status).toBe(404)
  })
})

describe('the API describes itself', () => {
  it('serves an OpenAPI document with every endpoint of the contract', async () => {
    const res = await s.api('GET', '/api/openapi.json', undefined, { token: null })
    expect(res.status).toBe(200)
    const ops = Object.values(res.body.paths as Record<string, Record<string, { operationId: string }>>).flatMap((p) =>
      Object.values(p).map((o) => o.operationId)
    )
    expect(ops.sort()).toEqual([...Object.keys(endpoints), 'speech.synthesize', 'speech.transcribe'].sort())
    expect(res.body.paths['/api/agents'].post.requestBody.content['application/json'].schema.required).toContain('name')
  })
})
