import { describe, expect, it } from 'vitest'
import { exportAgent, parseAgentExport } from '../../../src-renderer/src/screens/agents/agent-form'
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
})
