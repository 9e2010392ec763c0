import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import globals from 'globals'
import boundaries from 'eslint-plugin-boundaries'

// Layers (docs/ARCHITECTURE.md, "Layers and what they may import"): every folder of ours is an
// element, and an import between elements is refused unless the importer's entry below allows it
// (VS Code style: an allow-list, so a new dependency between layers is a decision made here).
// The first matching element wins: specific folders come before the folders that hold them.
const ELEMENTS = [
  ['base-web', 'src-main/base/web'],
  ['base', 'src-main/base'],
  ['contract', 'src-main/contract'],
  ['store', 'src-main/store'],
  ['vector', 'src-main/vector'],
  ['core', 'src-main/core'],
  ['server', 'src-main/server'],
  ['electron', 'src-main/electron'],
  // cli.ts, backup-cli.ts, migrate-data.ts: the headless host's entry points.
  ['cli', 'src-main'],
  ['preload', 'src-preload'],
  ['renderer', 'src-renderer'],
  // Speech providers run in the main process or the server (their keys stay there).
  ['speech-providers', 'digitalhuman/speech/providers'],
  // The rest of digitalhuman/ (segmenter, lip-sync, audio, avatars) is shared with the renderer.
  ['digitalhuman', 'digitalhuman'],
  ['mcp-testing', 'mcp/testing'],
  ['mcp', 'mcp'],
  ['tests', 'tests'],
  ['bench', 'bench'],
  ['scripts', 'scripts']
]

/** Which elements each element may import (besides itself). */
const ALLOWED = {
  'base-web': [],
  base: ['base-web'],
  // Not base (Node): the renderer bundles the contract.
  contract: ['base-web', 'digitalhuman' /* avatar looks and palettes, shared with the renderer */],
  store: ['contract', 'base'],
  vector: ['contract', 'base'],
  core: ['store', 'vector', 'contract', 'base', 'base-web', 'digitalhuman'],
  'speech-providers': ['core' /* describeProviderFault */, 'contract', 'base', 'digitalhuman'],
  server: ['core', 'store' /* unique-violation check */, 'vector', 'contract', 'base', 'base-web', 'speech-providers', 'digitalhuman'],
  electron: ['server', 'core', 'contract', 'base', 'base-web', 'digitalhuman'],
  cli: ['server', 'core', 'store', 'vector', 'contract', 'base', 'base-web', 'digitalhuman'],
  preload: ['contract'],
  renderer: ['contract', 'base-web', 'digitalhuman'],
  digitalhuman: [],
  mcp: ['mcp-testing', 'base'],
  'mcp-testing': ['mcp'],
  // Tests, benchmarks and scripts reach whatever they exercise.
  tests: ELEMENTS.map(([type]) => type),
  bench: ELEMENTS.map(([type]) => type),
  scripts: ELEMENTS.map(([type]) => type)
}

/** Packages a layer must not use (our own folders are the allow-list's; it does not see packages). */
const noPackages = (files, group, message) => ({ files, rules: { 'no-restricted-imports': ['error', { patterns: [{ group, message }] }] } })
const HOSTS = ['electron', 'express', 'socket.io']

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'coverage/**', 'test-results/**', '.vitest/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-non-null-assertion': 'off'
    }
  },
  {
    plugins: { boundaries },
    settings: {
      'boundaries/elements': ELEMENTS.map(([type, pattern]) => ({ type, pattern, partialMatch: false })),
      // Test files next to the code they test (mcp/**/*.test.ts) are tests, whatever folder holds them.
      'boundaries/files': [{ category: 'test', pattern: '**/*.test.ts' }],
      'boundaries/include': ['src-main/**', 'src-preload/**', 'src-renderer/**', 'digitalhuman/**', 'mcp/**', 'tests/**', 'bench/**', 'scripts/**'],
      'import/resolver': { typescript: { project: './tsconfig.json' } }
    },
    rules: {
      'boundaries/dependencies': [
        'error',
        {
          default: 'disallow',
          policies: [
            ...Object.entries(ALLOWED).map(([type, allowed]) => ({
              from: { element: { type } },
              allow: { to: { element: { types: { anyOf: [type, ...allowed] } } } }
            })),
            { from: { file: { categories: 'test' } }, allow: { to: { element: { types: { anyOf: ALLOWED.tests } } } } }
          ]
        }
      ]
    }
  },
  // Later entries override earlier ones for the files both match: general folders first.
  noPackages(
    ['src-main/base/**', 'src-main/core/**', 'src-main/store/**', 'src-main/vector/**', 'digitalhuman/**'],
    HOSTS,
    'Runs under any host: keep Electron, Express and Socket.IO out of base/core/store/vector/digitalhuman.'
  ),
  noPackages(['src-main/server/**', 'src-main/*.ts'], ['electron'], 'The headless host must run without Electron.'),
  noPackages(['src-main/contract/**'], [...HOSTS, 'node:*'], 'The contract is shared with the renderer: zod only.'),
  noPackages(['src-main/base/web/**'], [...HOSTS, 'node:*'], 'base/web is shared with the renderer: web APIs only.'),
  noPackages(['src-renderer/**'], ['electron', 'node:*'], 'The renderer talks to the core only through the Api (IPC or HTTP).'),
  noPackages(
    ['digitalhuman/speech/*.ts', 'digitalhuman/lipsync/*.ts', 'digitalhuman/audio/**', 'digitalhuman/avatar/**', 'digitalhuman/livetalking/**'],
    [...HOSTS, 'node:*'],
    'The renderer imports this module: no node:* (speech providers, which keep keys in the main process, are their own layer).'
  )
)
