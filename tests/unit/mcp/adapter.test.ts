import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { isYes } from '../../../src-main/core/mcp/confirm'
import { CommandNotFoundError, loginShellPath, mergePaths, resolveCommand } from '../../../src-main/core/mcp/shell-path'
import { mapResult, namespacedName, selectTools, serverPrefix, toParameters } from '../../../src-main/core/mcp/tool-adapter'
import { winQuote } from '../../../src-main/core/mcp/stdio-transport'
import { childEnv } from '../../../src-main/core/mcp/transports'

const dir = mkdtempSync(join(tmpdir(), 'agenta-mcp-unit-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function script(name: string, body: string): string {
  const file = join(dir, name)
  writeFileSync(file, `#!/bin/sh\n${body}\n`)
  chmodSync(file, 0o755)
  return file
}

describe('tool names', () => {
  it('namespaces by server so two servers can both offer search', () => {
    const taken = new Set<string>()
    expect(namespacedName(serverPrefix('Web Search', 'id1'), 'search', taken)).toBe('Web_Search__search')
    expect(namespacedName(serverPrefix('docs', 'id2'), 'search', taken)).toBe('docs__search')
    expect(namespacedName(serverPrefix('docs', 'id3'), 'search', taken)).toBe('docs__search_2')
  })

  it('makes names valid for providers: safe characters, at most 64, a stable prefix for non-Latin names', () => {
    expect(serverPrefix('文件 工具', 'a1b2c3d4-e5f6')).toBe('mcp_a1b2c3d4')
    expect(serverPrefix('  my.server/v2 ', 'x')).toBe('my_server_v2')
    const taken = new Set<string>()
    const long = namespacedName('everything', 'x'.repeat(80), taken)
    expect(long).toHaveLength(64)
    const again = namespacedName('everything', 'x'.repeat(80), taken)
    expect(again).toHaveLength(64)
    expect(again).not.toBe(long)
    expect(namespacedName('fs', 'read.file', taken)).toBe('fs__read_file')
    for (const n of taken) expect(n).toMatch(/^[a-zA-Z0-9_-]{1,64}$/)
  })

  it('selects the enabled tools (null = all) and completes bare schemas', () => {
    const tools = ['a', 'b', 'c'].map((name) => ({ name, description: '', inputSchema: { type: 'object' } }))
    expect(selectTools(tools, null)).toHaveLength(3)
    expect(selectTools(tools, ['c', 'a', 'zz']).map((t) => t.name)).toEqual(['a', 'c'])
    expect(toParameters({ type: 'object' })).toEqual({ type: 'object', properties: {} })
    expect(toParameters(undefined)).toEqual({ type: 'object', properties: {} })
    const schema = { type: 'object', properties: { q: { type: 'string' } }, required: ['q'], additionalProperties: false }
    expect(toParameters(schema)).toEqual(schema)
  })
})

describe('result mapping', () => {
  it('keeps text and isError', () => {
    expect(
      mapResult({
        content: [
          { type: 'text', text: 'a' },
          { type: 'text', text: 'b' }
        ]
      })
    ).toEqual({ content: 'a\nb' })
    expect(mapResult({ content: [{ type: 'text', text: 'no such file' }], isError: true })).toEqual({ content: 'no such file', isError: true })
    expect(mapResult({ content: [], isError: true })).toEqual({ content: 'The tool failed without saying why.', isError: true })
  })

  it('turns images into data URLs with a note, and embedded resources into their text', () => {
    const r = mapResult({
      content: [
        { type: 'image', data: 'iVBORw0KGgo=', mimeType: 'image/png' },
        { type: 'resource', resource: { uri: 'file:///a.txt', text: 'file body', mimeType: 'text/plain' } },
        { type: 'resource', resource: { uri: 'file:///b.bin', blob: 'AAAA', mimeType: 'application/octet-stream' } },
        { type: 'resource_link', uri: 'file:///c', name: 'c' }
      ]
    })
    expect(r.images).toEqual(['data:image/png;base64,iVBORw0KGgo='])
    expect(r.content.split('\n')).toEqual([
      '[image 1: image/png, 8 B, attached for viewing]',
      'file body',
      '[binary resource file:///b.bin (application/octet-stream), 3 B]',
      '[resource: c <file:///c>]'
    ])
  })

  it('makes a chart card from the chart server’s JSON, and nothing from other JSON', () => {
    const option = { title: { text: 'Sales' }, xAxis: { type: 'category', data: ['a'] }, yAxis: {}, series: [{ type: 'bar', data: [1] }] }
    const r = mapResult({ content: [{ type: 'text', text: JSON.stringify({ type: 'chart', chart: option }) }] })
    expect(r.card).toEqual({ type: 'chart', data: { option, title: 'Sales' } })
    expect(r.content).toContain('"type":"chart"')
    expect(mapResult({ content: [{ type: 'text', text: '{"type":"table","chart":1}' }] }).card).toBeUndefined()
    expect(mapResult({ content: [{ type: 'text', text: '{"chart": broken' }] }).card).toBeUndefined()
  })

  it('uses structured content when there is no text, and cuts huge results', () => {
    expect(mapResult({ content: [], structuredContent: { n: 1 } }).content).toBe('{"n":1}')
    const big = mapResult({ content: [{ type: 'text', text: 'x'.repeat(500) }] }, { maxChars: 100 })
    expect(big.content).toMatch(/^x{100}\n… \(cut: the result had 500 characters/)
  })
})

describe('confirmation answers', () => {
  it('accepts yes in its usual shapes and treats everything else as no', () => {
    for (const yes of [true, 'yes', ' Yes ', 'y', 'ok', '是', '确认', { confirmed: true }, { value: 'yes' }]) expect(isYes(yes)).toBe(true)
    for (const no of [false, 'no', '', null, undefined, '否', { confirmed: false }, ['yes'], 'yes please']) expect(isYes(no)).toBe(false)
  })
})

describe('PATH for stdio servers', () => {
  it('takes the login shell’s PATH (ignoring what its profile prints) and merges ours after it', async () => {
    const shell = script('fake-shell', 'echo "Welcome banner $PATH"\nPATH=/opt/fake/bin:/usr/bin\neval "$2"\necho trailing noise')
    const path = await loginShellPath({ env: { SHELL: shell, PATH: '/usr/bin:/bin:/app/bin' }, platform: 'linux' })
    expect(path).toBe('/opt/fake/bin:/usr/bin:/bin:/app/bin')
  })

  it('falls back to our own PATH when the shell hangs or fails, and skips the shell on Windows', async () => {
    // Longer than the test may take: a lookup that waited for the shell instead of giving up fails it.
    const hang = script('hang-shell', 'sleep 60')
    expect(await loginShellPath({ env: { SHELL: hang, PATH: '/usr/bin' }, timeoutMs: 200, platform: 'linux' })).toBe('/usr/bin')
    expect(await loginShellPath({ env: { SHELL: join(dir, 'missing-shell'), PATH: '/a' }, platform: 'linux' })).toBe('/a')
    expect(await loginShellPath({ env: { SHELL: hang, PATH: 'C:\\bin' }, platform: 'win32' })).toBe('C:\\bin')
    expect(mergePaths('/a:/b', '/b:/c:', '')).toBe('/a:/b:/c')
  })

  it('resolves a command to an absolute path, or names the command and the PATH searched', () => {
    const bin = join(dir, 'bin')
    mkdirSync(bin, { recursive: true })
    writeFileSync(join(bin, 'not-exec'), 'x')
    const tool = script('bin/my-tool', 'exit 0')
    expect(resolveCommand('my-tool', { path: `/nonexistent:${bin}` })).toBe(tool)
    expect(resolveCommand('./bin/my-tool', { path: '', cwd: dir })).toBe(tool)
    expect(() => resolveCommand('not-exec', { path: bin })).toThrow(`command not found: not-exec (searched PATH: ${bin})`)
    expect(() => resolveCommand('nope', { path: '/x:/y' })).toThrow(CommandNotFoundError)
    expect(() => resolveCommand('./bin/nope', { path: '', cwd: dir })).toThrow(`command not found: ./bin/nope (no executable file at ${join(dir, 'bin/nope')})`)
  })

  it('quotes a Windows .cmd command line for cmd.exe', () => {
    expect(['C:\\Program Files\\nodejs\\npx.cmd', '-y', '@scope/server', 'a"b', '', 'C:\\dir with space\\'].map(winQuote)).toEqual([
      '"C:\\Program Files\\nodejs\\npx.cmd"',
      '-y',
      '@scope/server',
      '"a\\"b"',
      '""',
      '"C:\\dir with space\\\\"'
    ])
  })

  it('gives children the PATH, locale and proxies but not the app’s secrets', () => {
    const env = childEnv('/p', { OWN: '1' }, { HOME: '/h', LANG: 'zh_CN.UTF-8', HTTPS_PROXY: 'http://proxy', OPENAI_API_KEY: 'sk-secret', PATH: '/old' })
    expect(env).toMatchObject({ PATH: '/p', LANG: 'zh_CN.UTF-8', HTTPS_PROXY: 'http://proxy', OWN: '1' })
    expect(env.OPENAI_API_KEY).toBeUndefined()
  })
})
