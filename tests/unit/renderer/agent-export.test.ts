import { describe, expect, it } from 'vitest'
import { exportAgent, parseAgentExport, readAgentFile, uniqueName } from '../../../src-renderer/src/screens/agents/agent-form'
import { AgentCreate, type Agent } from '../../../src-main/contract/entities'

const agent: Agent = {
  ...AgentCreate.parse({
    name: '导游',
    avatar: '🧭',
    systemPrompt: 'Guide visitors',
    quickPhrases: ['门票多少钱？'],
    cardTemplates: ['weather'],
    published: true,
    allowedOrigins: ['https://shop.example']
  }),
  providerId: null,
  model: null,
  id: 'a1',
  uuid: 'u1',
  publicKey: 'pk_secret',
  createdAt: 1,
  updatedAt: 2
}

describe('agent files', () => {
  it('export everything but identity and publishing, and import back to the same agent', () => {
    const text = exportAgent(agent)
    expect(text).not.toContain('pk_secret')
    expect(text).not.toContain('"u1"')
    const input = parseAgentExport(text)
    expect(input).toMatchObject({
      name: '导游',
      avatar: '🧭',
      systemPrompt: 'Guide visitors',
      quickPhrases: ['门票多少钱？'],
      cardTemplates: ['weather'],
      published: false
    })
  })

  it('say what is wrong with a file that does not fit', () => {
    expect(() => parseAgentExport('{oops')).toThrow(/not JSON/)
    expect(() => parseAgentExport(JSON.stringify({ hello: 1 }))).toThrow(/format/)
    const bad = JSON.parse(exportAgent(agent))
    bad.agent.params = { temperature: 9 }
    expect(() => parseAgentExport(JSON.stringify(bad))).toThrow(/agent\.params\.temperature/)
  })

  it('a file without a version is not an Agenta export; a higher version is a newer one', () => {
    const { version: _v, ...unversioned } = JSON.parse(exportAgent(agent))
    expect(() => readAgentFile(JSON.stringify(unversioned))).toThrow(expect.objectContaining({ code: 'versionMissing' }))
    expect(() => readAgentFile(JSON.stringify({ ...unversioned, version: 2 }))).toThrow(expect.objectContaining({ code: 'newerVersion' }))
  })

  it('an import takes the first free name: "Name (2)", "Name (3)", within 64 characters', () => {
    expect(uniqueName('Guide', ['Other'])).toBe('Guide')
    expect(uniqueName('Guide', ['Guide', 'Guide (2)'])).toBe('Guide (3)')
    const long = 'x'.repeat(64)
    expect(uniqueName(long, [long])).toBe(`${'x'.repeat(60)} (2)`)
  })
})
