import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import Database from 'better-sqlite3'
import { join } from 'node:path'
import { bootRuntime, tempDir, type BootedRuntime } from '../utils/boot'
import { createTempMysqlDb } from '../utils/mariadb'
import type { StoreConfig } from '../../src-main/store/db'
import { AppError } from '../../src-main/contract/errors'
import { AgentCreate } from '../../src-main/contract/entities'
import { DigitalHumanCreate } from '../../src-main/contract/digital-humans'

/**
 * One contract for the store, run against every database that can start here: SQLite (the
 * desktop default) and MariaDB (team mode). Everything goes through the real services.
 */
type Target = { name: string; setup(): Promise<{ store?: StoreConfig; teardown(): Promise<void> }> }

const targets: Target[] = [
  { name: 'sqlite', setup: async () => ({ teardown: async () => {} }) },
  {
    name: 'mariadb',
    setup: async () => {
      const db = await createTempMysqlDb()
      return { store: { kind: 'mysql', url: db.url }, teardown: db.drop }
    }
  }
]

for (const target of targets) {
  describe(`store on ${target.name}`, () => {
    let booted: BootedRuntime
    let teardown: () => Promise<void>
    let store: StoreConfig | undefined
    const dataDir = tempDir()

    beforeAll(async () => {
      const t = await target.setup()
      teardown = t.teardown
      store = t.store
      booted = await bootRuntime({ dataDir, store })
    })
    afterAll(async () => {
      await booted?.close()
      await teardown?.()
    })

    it('keeps providers, models, agents, tools, knowledge bases and settings across a reopen', async () => {
      const rt = booted.runtime
      const p = await rt.providers.create({
        name: 'Local',
        kind: 'ollama',
        baseUrl: 'http://127.0.0.1:11434/v1',
        apiKey: 'sk-secret-abcdef',
        enabled: true,
        timeouts: { idleMs: 90_000 }
      })
      await rt.providers.update(p.id, { timeouts: { firstTokenMs: 300_000 } })
      const m = await rt.providers.models.create({ providerId: p.id, modelId: 'bge-m3', type: 'embedding' })
      const guide = await rt.digitalHumans.create(DigitalHumanCreate.parse({ name: '讲解员', kind: 'builtin', look: 'scholar', palette: 'green' }))
      const a = await rt.agents.create(
        AgentCreate.parse({
          name: '导游',
          avatar: '🧭',
          providerId: p.id,
          model: 'qwen2.5',
          systemPrompt: 'x'.repeat(70_000),
          params: { temperature: 0.3 },
          welcomeMessage: '欢迎',
          quickPhrases: ['门票多少钱？'],
          theme: { primaryColor: '#112233' },
          cardTemplates: ['weather'],
          digitalHuman: { chatAvatarId: guide.id },
          maxSteps: 5,
          allowedOrigins: ['https://shop.example']
        })
      )
      const tool = await rt.tools.create({
        name: 'everything',
        remark: '',
        category: 'general',
        icon: '🔧',
        color: '#1677ff',
        toolType: 'external',
        enabled: true,
        config: { transport: 'stdio', command: 'npx', args: ['-y', 'x'], env: { A: '1' } }
      })
      const kb = await rt.knowledgeBases.create({ name: '景区资料', description: '', embeddingModelId: m.id, chunkSize: 500, chunkOverlap: 50 })
      await rt.settings.update({ language: 'en', server: { port: 6001 } })
      await rt.settings.update({ theme: 'dark' }) // second write takes the update path

      await rt.close()
      booted = await bootRuntime({ dataDir, store })
      const again = booted.runtime
      expect(await again.providers.get(p.id)).toMatchObject({
        name: 'Local',
        kind: 'ollama',
        hasApiKey: true,
        apiKeyHint: 'sk-…cdef',
        timeouts: { connectMs: 15_000, firstTokenMs: 300_000, idleMs: 90_000 }
      })
      expect(await again.providers.apiKeyOf(p.id)).toBe('sk-secret-abcdef')
      expect(await again.providers.models.list({ type: 'embedding' })).toEqual([expect.objectContaining({ id: m.id, modelId: 'bge-m3' })])
      const agent = await again.agents.get(a.uuid)
      expect(agent).toMatchObject({
        id: a.id,
        name: '导游',
        params: { temperature: 0.3 },
        quickPhrases: ['门票多少钱？'],
        digitalHuman: { chatAvatarId: guide.id },
        maxSteps: 5,
        allowedOrigins: ['https://shop.example']
      })
      expect(agent.systemPrompt).toHaveLength(70_000)
      expect(agent.createdAt).toBe(a.createdAt)
      // Environment values are sealed: answers show a mask, the MCP connection gets the value.
      expect((await again.tools.get(tool.id)).config).toEqual({ transport: 'stdio', command: 'npx', args: ['-y', 'x'], env: { A: '••••' } })
      expect((await again.tools.withSecrets.get(tool.id)).config).toEqual({ transport: 'stdio', command: 'npx', args: ['-y', 'x'], env: { A: '1' } })
      expect(await again.knowledgeBases.get(kb.id)).toMatchObject({ name: '景区资料', chunkSize: 500, documentCount: 0 })
      expect(await again.settings.get()).toMatchObject({ language: 'en', theme: 'dark', server: { port: 6001, lan: false } })
    })

    it('refuses duplicate names with a conflict and keeps the first', async () => {
      const rt = booted.runtime
      await rt.tools.create({
        name: 'dup',
        remark: '',
        category: 'g',
        icon: '',
        color: '',
        toolType: 'external',
        enabled: true,
        config: { transport: 'sse', url: 'http://127.0.0.1:9/sse', headers: {} }
      })
      const err = await rt.tools
        .create({
          name: 'dup',
          remark: '',
          category: 'g',
          icon: '',
          color: '',
          toolType: 'external',
          enabled: true,
          config: { transport: 'sse', url: 'http://127.0.0.1:9/x', headers: {} }
        })
        .catch((e) => e)
      expect(err).toBeInstanceOf(AppError)
      expect(err.code).toBe('conflict')
      expect((await rt.tools.list()).filter((t) => t.name === 'dup')).toHaveLength(1)
    })

    it('deletes a provider with its models, but not while an agent uses it', async () => {
      const rt = booted.runtime
      const p = await rt.providers.create({ name: 'Temp', kind: 'custom', baseUrl: 'http://127.0.0.1:9/v1', enabled: true })
      await rt.providers.models.create({ providerId: p.id, modelId: 'm1', type: 'chat' })
      const a = await rt.agents.create(AgentCreate.parse({ name: 'uses temp', providerId: p.id, model: 'm1' }))
      await expect(rt.providers.delete(p.id)).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('uses temp') })
      await rt.agents.delete(a.id)
      await rt.providers.delete(p.id)
      expect(await rt.providers.models.list({ providerId: p.id })).toEqual([])
    })
  })
}

describe('sqlite file', () => {
  it('is in WAL mode with foreign keys on, and holds no API key in plain text', async () => {
    const dataDir = tempDir()
    const b = await bootRuntime({ dataDir })
    await b.runtime.providers.create({ name: 'K', kind: 'custom', baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'sk-PLAINTEXT-MARKER', enabled: true })
    await b.close({ keepData: true })
    const raw = new Database(join(dataDir, 'agenta.db'), { readonly: true })
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal')
    const enc = raw.prepare('select api_key_enc from providers').get() as { api_key_enc: string }
    raw.close()
    expect(enc.api_key_enc).toMatch(/^kf1:/)
    expect(enc.api_key_enc).not.toContain('PLAINTEXT')
  })
})
