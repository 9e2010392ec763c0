import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import globals from 'globals'

const layer = (files, patterns, message) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }] }
})

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
  // Layer rules (DESIGN.md): the core runs in plain Node under any host; the contract is shared
  // with the renderer; only src-main/electron touches Electron.
  layer(
    ['src-main/core/**', 'src-main/store/**', 'src-main/vector/**'],
    ['electron', 'express', 'socket.io', '**/server/**', '**/electron/**'],
    'The core must not depend on a host: keep Electron, Express and Socket.IO out of core/store/vector.'
  ),
  layer(
    ['src-main/contract/**'],
    ['electron', 'express', 'socket.io', 'node:*', '**/core/**', '**/store/**', '**/server/**'],
    'The contract is shared with the renderer: zod only.'
  ),
  layer(['src-main/server/**', 'src-main/cli.ts'], ['electron', '**/electron/**'], 'The headless host must run without Electron.'),
  layer(
    ['src-renderer/**'],
    ['electron', 'node:*', '**/src-main/core/**', '**/src-main/store/**', '**/src-main/server/**', '**/digitalhuman/speech/providers/**'],
    'The renderer talks to the core only through the Api (IPC or HTTP).'
  ),
  // digitalhuman/: speech providers run in the main process or server (keys stay there); the
  // segmenter, lip-sync, audio and avatar modules are shared with the renderer.
  layer(
    ['digitalhuman/**'],
    ['electron', 'express', 'socket.io', '**/server/**', '**/electron/**'],
    'digitalhuman/ runs under any host: keep Electron, Express and Socket.IO out.'
  ),
  layer(
    ['digitalhuman/speech/*.ts', 'digitalhuman/lipsync/*.ts', 'digitalhuman/audio/**', 'digitalhuman/avatar/**', 'digitalhuman/livetalking/**'],
    ['electron', 'express', 'socket.io', 'node:*', '**/src-main/**', '**/speech/providers/**'],
    'The renderer imports this module: no node:*, no core, no speech provider (keys stay in the main process).'
  )
)
