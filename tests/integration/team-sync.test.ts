// Agents between a desktop and a team server: two real servers (HTTP, their own data folders and
// databases), the desktop-like one on SQLite without accounts, the team server with accounts on
// SQLite and once more on MariaDB. Push an agent with a tool (its secret stays home) and a
// knowledge base with a document → the server answers from that document; edits on both sides →
// a conflict listing the fields, nothing written; overwrite / copy resolve it; pull brings a
// server-side change back; a token without the scope, a member, a wrong URL → clear errors.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bootServer, tempDir, type BootedServer } from '../utils/boot'
import { startFakeLlm, type FakeLlm } from '../utils/fake-llm'
import { createTempMysqlDb } from '../utils/mariadb'
import { testKnowledgeOptions } from './knowledge/helpers'

const pw = 'correct horse battery'
const FACT = 'The office wifi password is PURPLE-OTTER-42.'
const SECRET = 'sk-weather-secret-9876543210'
const cookieToken = (res: { headers: Headers }) => /agenta_session=([^;]*)/.exec(res.headers.get('set-cookie') ?? '')?.[1]

describe.each(['sqlite', 'mariadb'] as const)('desktop ⇄ team server (team on %s)', (storeKind) => {
  let llm: FakeLlm
  let team: BootedServer
  let desk: BootedServer
  let mysql: Awaited<ReturnType<typeof createTempMysqlDb>> | undefined
  const tokens = { admin: '', builder: '', builderReadOnly: '', member: '', otherBuilder: '' }
  let deskAgentId = ''
  let teamAgentId = ''
  let docsDir = ''

  /** Calls on the team server as the builder (their session). */
  let builderSession = ''
  const onTeam = (method: string, path: string, body?: unknown) => team.api(method, path, body, { token: builderSession })
  const link = (token: string, url = team.url) => desk.api('PUT', '/api/team-link', { url, token })
  const push = (onConflict?: string) => desk.api('POST', `/api/agents/${deskAgentId}/push`, onConflict ? { onConflict } : {})

  async function idle(s: BootedServer) {
    await s.runtime.knowledge.queue.whenIdle()
  }

  async function askTeam(agentId: string, message: string): Promise<string> {
    const rt = team.runtime
    const sessionId = (await rt.chat.sessions.create({ agentId, userId: 'u1', title: '' })).id
    const handle = await rt.chat.startTurn({ sessionId, message })
    for await (const _e of handle.events) void _e
    await handle.done
    return (await rt.chat.sessions.messages(sessionId)).at(-1)!.content
  }

  beforeAll(async () => {
    llm = await startFakeLlm()
    // The model answers from the passage it is given, or says it does not know.
    llm.onChat((body) => {
      const system = String(body.messages?.[0]?.content ?? '')
      return { text: system.includes('PURPLE-OTTER-42') ? 'It is PURPLE-OTTER-42.' : 'I do not know.' }
    })
    mysql = storeKind === 'mariadb' ? await createTempMysqlDb() : undefined
    team = await bootServer({
      accounts: { enabled: true, loginLimit: { window: 60, max: 100 } },
      knowledge: testKnowledgeOptions,
      ...(mysql && { store: { kind: 'mysql', url: mysql.url } })
    })
    desk = await bootServer({ knowledge: testKnowledgeOptions })

    // The team: an admin, a builder with a build token and a read-only one, a member with a chat token.
    const admin = await team.api('POST', '/api/auth/setup', { name: 'Ada', email: 'ada@example.com', password: pw }, { token: null })
    tokens.admin = cookieToken(admin)!
    for (const [name, role] of [
      ['Bob', 'builder'],
      ['Cleo', 'builder'],
      ['Mia', 'member']
    ])
      expect(
        (await team.api('POST', '/api/users', { name, email: `${name.toLowerCase()}@example.com`, password: pw, role }, { token: tokens.admin })).status
      ).toBe(201)
    builderSession = cookieToken(await team.api('POST', '/api/auth/login', { email: 'bob@example.com', password: pw }, { token: null }))!
    const memberSession = cookieToken(await team.api('POST', '/api/auth/login', { email: 'mia@example.com', password: pw }, { token: null }))!
    tokens.builder = (await team.api('POST', '/api/tokens', { name: 'desktop', scopes: ['read', 'build'] }, { token: builderSession })).body.token
    tokens.builderReadOnly = (await team.api('POST', '/api/tokens', { name: 'ro', scopes: ['read'] }, { token: builderSession })).body.token
    const cleoSession = cookieToken(await team.api('POST', '/api/auth/login', { email: 'cleo@example.com', password: pw }, { token: null }))!
    tokens.otherBuilder = (await team.api('POST', '/api/tokens', { name: 'cleo', scopes: ['read', 'build'] }, { token: cleoSession })).body.token
    tokens.member = (await team.api('POST', '/api/tokens', { name: 'chat', scopes: ['chat'] }, { token: memberSession })).body.token
    expect(tokens.builder).toMatch(/^agt_/)

    // The same provider (by name) and models on both sides.
    for (const [s, token] of [
      [team, tokens.admin],
      [desk, desk.token]
    ] as const) {
      const provider = await s.api('POST', '/api/providers', { name: 'Fake', kind: 'custom', baseUrl: llm.baseUrl }, { token })
      expect(provider.status).toBe(201)
      await s.api('POST', '/api/models', { providerId: provider.body.id, modelId: 'fake-embed', type: 'embedding' }, { token })
    }

    // On the desktop: a tool with a secret header, a knowledge base with one document, an agent using both.
    const deskProvider = (await desk.api('GET', '/api/providers')).body[0]
    const embed = (await desk.api('GET', '/api/models', undefined)).body.find((m: { modelId: string }) => m.modelId === 'fake-embed')
    const tool = await desk.api('POST', '/api/tools', {
      name: 'Weather',
      config: { transport: 'streamable-http', url: 'https://weather.example.com/mcp', headers: { Authorization: `Bearer ${SECRET}` } }
    })
    expect(tool.status).toBe(201)
    const kb = await desk.api('POST', '/api/knowledge-bases', { name: 'Handbook', embeddingModelId: embed.id, chunkSize: 500, chunkOverlap: 50 })
    docsDir = tempDir('team-sync-docs-')
    writeFileSync(join(docsDir, 'office.md'), `# Office\n\n${FACT}\n`)
    await desk.runtime.knowledge.documents.addPaths(kb.body.id, [docsDir])
    await idle(desk)
    const agent = await desk.api('POST', '/api/agents', {
      name: 'Helper',
      providerId: deskProvider.id,
      model: 'fake-chat',
      systemPrompt: 'You help in the office.',
      cardTemplates: ['link'],
      digitalHuman: { chatAvatarId: 'guide' }
    })
    expect(agent.status).toBe(201)
    deskAgentId = agent.body.id
    await desk.api('PUT', `/api/agents/${deskAgentId}/tools`, { bindings: [{ toolId: tool.body.id }] })
    await desk.api('PUT', `/api/agents/${deskAgentId}/knowledge-bases`, { bindings: [{ kbId: kb.body.id, settings: { use: 'context', topK: 3 } }] })
  })

  afterAll(async () => {
    await desk?.close()
    await team?.close()
    await mysql?.drop()
    await llm?.close()
  })

  it('without a link, push and pull say where to set it up', async () => {
    const res = await push()
    expect(res.status).toBe(400)
    expect(res.body.error).toMatchObject({ reason: 'team_not_linked', message: expect.stringMatching(/Settings → Team server/) })
    expect((await desk.api('GET', '/api/team-link/agents')).body.error.reason).toBe('team_not_linked')
  })

  it('links with a personal token: the token is never returned; "test" says who you are there', async () => {
    const saved = await link(tokens.builder)
    expect(saved.status).toBe(200)
    expect(saved.body).toEqual({ url: team.url, hasToken: true })
    expect(JSON.stringify((await desk.api('GET', '/api/team-link')).body)).not.toContain('agt_')
    // Sealed at rest, not in clear.
    expect(JSON.stringify(await desk.runtime.settings.raw.get('teamLink'))).not.toContain(tokens.builder)
    const who = await desk.api('POST', '/api/team-link/test')
    expect(who.status).toBe(200)
    expect(who.body).toMatchObject({ url: team.url, name: 'Bob', email: 'bob@example.com', role: 'builder', scopes: ['read', 'build'] })
  })

  it('pushes the agent with its tool (secret left home) and knowledge base; the server answers from the document', async () => {
    const res = await push()
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({
      action: 'created',
      needsSecrets: [{ tool: 'Weather', names: ['Authorization'] }],
      unbound: [],
      documentsQueued: 1,
      skipped: []
    })
    teamAgentId = res.body.agent.id
    const deskAgent = (await desk.api('GET', `/api/agents/${deskAgentId}`)).body
    const teamAgent = (await onTeam('GET', `/api/agents/${teamAgentId}`)).body
    expect(teamAgent).toMatchObject({
      uuid: deskAgent.uuid,
      name: 'Helper',
      systemPrompt: 'You help in the office.',
      model: 'fake-chat',
      cardTemplates: ['link']
    })
    expect(teamAgent.digitalHuman).toEqual({ chatAvatarId: 'guide' })

    // The tool exists there by name, without the secret value.
    const teamTool = (await onTeam('GET', '/api/tools')).body.find((t: { name: string }) => t.name === 'Weather')
    expect(teamTool.config.url).toBe('https://weather.example.com/mcp')
    expect((await team.runtime.tools.withSecrets.get(teamTool.id)).config).toMatchObject({ headers: { Authorization: '' } })
    expect(JSON.stringify(await team.runtime.tools.withSecrets.list())).not.toContain(SECRET)
    expect((await onTeam('GET', `/api/agents/${teamAgentId}/tools`)).body).toEqual([{ toolId: teamTool.id, enabledTools: null, requireConfirmation: false }])

    // The knowledge base was created with the matching embedding model, its document ingested.
    const teamKb = (await onTeam('GET', '/api/knowledge-bases')).body.find((k: { name: string }) => k.name === 'Handbook')
    const teamEmbed = (await onTeam('GET', '/api/models')).body.find((m: { modelId: string }) => m.modelId === 'fake-embed')
    expect(teamKb.embeddingModelId).toBe(teamEmbed.id)
    await idle(team)
    const docs = (await onTeam('GET', `/api/knowledge-bases/${teamKb.id}/documents`)).body
    expect(docs.items.map((d: { name: string; status: string }) => [d.name, d.status])).toEqual([['office.md', 'ready']])
    expect(await askTeam(teamAgentId, 'What is the wifi password?')).toBe('It is PURPLE-OTTER-42.')
  })

  it('pushing again without changes is no conflict', async () => {
    const res = await push()
    expect(res.status).toBe(200)
    expect(res.body.action).toBe('unchanged')
    expect(res.body.documentsQueued).toBe(0)
  })

  it('changed on both sides: the push is a conflict listing the fields, and nothing is written', async () => {
    expect((await desk.api('PUT', `/api/agents/${deskAgentId}`, { systemPrompt: 'Desk prompt v2' })).status).toBe(200)
    expect((await onTeam('PUT', `/api/agents/${teamAgentId}`, { systemPrompt: 'Team prompt v2', welcomeMessage: 'Hello from the team' })).status).toBe(200)
    const before = (await onTeam('GET', '/api/agents')).body
    const res = await push()
    expect(res.status).toBe(409)
    expect(res.body.error).toMatchObject({ code: 'conflict', reason: 'sync_conflict', params: { name: 'Helper', fields: 'systemPrompt, welcomeMessage' } })
    expect(res.body.error.details.differences).toEqual([
      { field: 'systemPrompt', theirs: 'Team prompt v2', ours: 'Desk prompt v2' },
      { field: 'welcomeMessage', theirs: 'Hello from the team', ours: '' }
    ])
    expect((await onTeam('GET', '/api/agents')).body).toEqual(before)
  })

  it('"save as a copy" makes a second agent there and leaves theirs alone', async () => {
    const res = await push('copy')
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ action: 'copied', agent: { name: 'Helper (copy)' } })
    expect(res.body.agent.id).not.toBe(teamAgentId)
    expect((await onTeam('GET', `/api/agents/${res.body.agent.id}`)).body.systemPrompt).toBe('Desk prompt v2')
    expect((await onTeam('GET', `/api/agents/${teamAgentId}`)).body.systemPrompt).toBe('Team prompt v2')
    // Still in conflict with the original.
    expect((await push()).status).toBe(409)
  })

  it('"overwrite theirs" replaces it; the next push is clean', async () => {
    const res = await push('overwrite')
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ action: 'updated', agent: { id: teamAgentId } })
    expect((await onTeam('GET', `/api/agents/${teamAgentId}`)).body).toMatchObject({ systemPrompt: 'Desk prompt v2', welcomeMessage: '' })
    expect((await push()).body.action).toBe('unchanged')
  })

  it('lists the server agents and pulls a change made there', async () => {
    await onTeam('PUT', `/api/agents/${teamAgentId}`, { description: 'Edited on the team server' })
    const list = await desk.api('GET', '/api/team-link/agents')
    expect(list.status).toBe(200)
    expect(list.body.find((a: { id: string }) => a.id === teamAgentId)).toMatchObject({ name: 'Helper', localId: deskAgentId })
    const res = await desk.api('POST', `/api/team-link/agents/${teamAgentId}/pull`, {})
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ action: 'updated', agent: { id: deskAgentId } })
    expect((await desk.api('GET', `/api/agents/${deskAgentId}`)).body.description).toBe('Edited on the team server')
    // In step again: a push now is clean.
    expect((await push()).body.action).toBe('unchanged')
  })

  it('a pull over a local change is a conflict too (theirs: the server, ours: this desktop)', async () => {
    await onTeam('PUT', `/api/agents/${teamAgentId}`, { welcomeMessage: 'Team hello' })
    await desk.api('PUT', `/api/agents/${deskAgentId}`, { welcomeMessage: 'Desk hello' })
    const res = await desk.api('POST', `/api/team-link/agents/${teamAgentId}/pull`, {})
    expect(res.status).toBe(409)
    expect(res.body.error.reason).toBe('sync_conflict')
    expect(res.body.error.details.differences).toEqual([{ field: 'welcomeMessage', theirs: 'Team hello', ours: 'Desk hello' }])
    expect((await desk.api('GET', `/api/agents/${deskAgentId}`)).body.welcomeMessage).toBe('Desk hello')
    const taken = await desk.api('POST', `/api/team-link/agents/${teamAgentId}/pull`, { onConflict: 'overwrite' })
    expect(taken.body.action).toBe('updated')
    expect((await desk.api('GET', `/api/agents/${deskAgentId}`)).body.welcomeMessage).toBe('Team hello')
  })

  it('a document over the size cap is left out and listed, the rest goes', async () => {
    // The file grew on disk past 10 MB (no re-ingestion needed: the bundle reads the file as it is now).
    writeFileSync(join(docsDir, 'office.md'), `# Office\n\n${FACT}\n`.padEnd(10 * 1024 * 1024 + 1, '.'))
    const res = await push('overwrite')
    expect(res.status).toBe(200)
    expect(res.body.skipped).toEqual([{ knowledgeBase: 'Handbook', name: 'office.md', reason: 'too_large' }])
    writeFileSync(join(docsDir, 'office.md'), `# Office\n\n${FACT}\n`)
  })

  it('a token without the build scope, or a member, is refused with a clear 403; nothing is written', async () => {
    const count = (await onTeam('GET', '/api/agents')).body.length
    await link(tokens.builderReadOnly)
    const ro = await push('overwrite')
    expect(ro.status).toBe(403)
    expect(ro.body.error).toMatchObject({ reason: 'team_refused', message: expect.stringMatching(/lacks the "build" scope/) })

    await link(tokens.member)
    expect((await desk.api('POST', '/api/team-link/test')).body).toMatchObject({ name: 'Mia', role: 'member' })
    const member = await push('overwrite')
    expect(member.status).toBe(403)
    expect(member.body.error).toMatchObject({ reason: 'team_refused', message: expect.stringMatching(/for a builder or above; you are a member/) })
    expect((await desk.api('POST', `/api/team-link/agents/${teamAgentId}/pull`, {})).status).toBe(403)

    // Another builder may not change Bob's agent, and is not shown how it differs; a copy of their own is fine.
    await link(tokens.otherBuilder)
    await desk.api('PUT', `/api/agents/${deskAgentId}`, { description: 'Changed again on the desk' })
    const other = await push()
    expect(other.status).toBe(403)
    expect(other.body.error.details).toBeUndefined()
    expect((await push('overwrite')).status).toBe(403)
    const copy = await push('copy')
    expect(copy.body).toMatchObject({ action: 'copied' })
    await team.api('DELETE', `/api/agents/${copy.body.agent.id}`, undefined, { token: tokens.admin })

    await link('agt_not-a-real-token')
    const wrong = await desk.api('POST', '/api/team-link/test')
    expect(wrong.status).toBe(403)
    expect(wrong.body.error.reason).toBe('team_refused')
    expect((await onTeam('GET', '/api/agents')).body.length).toBe(count)
  })

  it('a wrong URL is a clear error naming it', async () => {
    await link(tokens.builder, 'http://127.0.0.1:9')
    const res = await push()
    expect(res.status).toBe(502)
    expect(res.body.error).toMatchObject({ reason: 'team_unreachable', params: { origin: 'http://127.0.0.1:9' } })
    // Something that answers, but not an Agenta server.
    await link(tokens.builder, llm.baseUrl.replace(/\/v1$/, ''))
    const other = await desk.api('POST', '/api/team-link/test')
    expect(other.status).toBe(502)
    expect(other.body.error.reason).toBe('team_not_agenta')
    // Unlinking forgets the token.
    expect((await desk.api('PUT', '/api/team-link', { url: null })).body).toEqual({ url: null, hasToken: false })
  })
})
