import { describe, expect, test } from 'vitest'
import { ToolCreate, type Agent, type Tool } from '@contract/entities'
import * as agentForm from '../../../src-renderer/src/screens/agents/agent-form'
import * as toolForm from '../../../src-renderer/src/screens/tools/tool-form'

describe('tool form ↔ contract', () => {
  const base = { ...toolForm.emptyTool, name: 'Files' }

  test('stdio: args one per line, env KEY=VALUE (values may hold "="), blank lines ignored', () => {
    const input = toolForm.toInput({ ...base, command: 'npx', argsText: '-y\n\n pkg \n', envText: 'A=1\nB=x=y\n' })
    expect(input.config).toEqual({ transport: 'stdio', command: 'npx', args: ['-y', 'pkg'], env: { A: '1', B: 'x=y' } })
    expect(ToolCreate.safeParse(input).success).toBe(true)
  })

  test('remote: headers go as key:value lines, which the contract parses', () => {
    const input = toolForm.toInput({ ...base, transport: 'sse', url: 'http://h/sse', headersText: 'X-Key: abc\nAuthorization:Bearer t' })
    expect(ToolCreate.parse(input).config).toMatchObject({ transport: 'sse', headers: { 'X-Key': 'abc', Authorization: 'Bearer t' } })
  })

  test('a line without "=" is reported, not dropped', () => {
    expect(toolForm.parseEnv('A=1\noops')).toBe('oops')
  })

  test('a saved tool fills the form and saves back unchanged', () => {
    const tool = {
      id: 't',
      name: 'W',
      remark: '',
      category: 'general',
      icon: '🔧',
      color: '#1677ff',
      toolType: 'external',
      enabled: true,
      config: { transport: 'streamable-http', url: 'http://h/mcp', headers: { A: 'b' } },
      createdAt: 0,
      updatedAt: 0
    } as Tool
    expect(toolForm.toInput(toolForm.toFormValues(tool)).config).toEqual({ transport: 'streamable-http', url: 'http://h/mcp', headers: 'A:b' })
  })

  test('server issue paths land on the right field', () => {
    expect(toolForm.toolFieldFor('config.url')).toEqual(['url'])
    expect(toolForm.toolFieldFor('config.headers')).toEqual(['headersText'])
    expect(toolForm.toolFieldFor('name')).toEqual(['name'])
    expect(toolForm.toolFieldFor('config.unknown')).toBeNull()
  })
})

describe('agent form ↔ contract', () => {
  test('the model picker value packs provider and model, and unpacks to both or neither', () => {
    const v = agentForm.packModel('p1', 'qwen|max')
    expect(agentForm.unpackModel(v)).toEqual({ providerId: 'p1', model: 'qwen|max' })
    expect(agentForm.unpackModel(undefined)).toEqual({ providerId: null, model: null })
  })

  test('quick phrases are trimmed and empty ones dropped', () => {
    const input = agentForm.toInput({ ...agentForm.emptyAgent, name: 'A', quickPhrases: [' Hi ', '', '  '] })
    expect(input.quickPhrases).toEqual(['Hi'])
  })

  test('a duplicate keeps settings but not identity, and is unpublished', () => {
    const agent = { id: 'a', uuid: 'u', publicKey: 'k', createdAt: 1, updatedAt: 2, name: 'A', published: true, systemPrompt: 'S' } as unknown as Agent
    const copy = agentForm.duplicateInput(agent, 'A (copy)')
    expect(copy).toEqual({ name: 'A (copy)', published: false, systemPrompt: 'S' })
  })

  test('server issue paths land on the right field', () => {
    expect(agentForm.agentFieldFor('providerId')).toEqual(['model'])
    expect(agentForm.agentFieldFor('quickPhrases.2')).toEqual(['quickPhrases', 2])
  })
})
