// Lint, including the layering rule that keeps Electron out of everything that must run under plain Node.
// Layers (see docs/architecture.md):
//   shared/            platform-neutral: no electron, no node:*, no react, nothing from electron/ or renderer/
//   renderer/          React UI: only shared/ (talks to main through window.pos or the preview bridge)
//   electron/core/     Node-side services: `electron` only as types; no renderer/
//   electron/preview/  browser preview host: plain Node, no electron values
//   electron/main/, electron/preload/: the only places that import Electron values
//   sandbox/           the local SeQura sandbox: plain Node, nothing from electron/ or renderer/. Two public
//                      entries: the app reaches it only through sandbox/training.ts (what training mode needs,
//                      no fault injection, no control API); tests and scripts through sandbox/index.ts
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const nodeBuiltins = [
  'node:*',
  'fs',
  'path',
  'os',
  'http',
  'https',
  'net',
  'crypto',
  'child_process',
  'url',
  'stream',
  'events',
  'util',
  'zlib',
  'tls',
  'dns',
];

const electronValueBan = {
  name: 'electron',
  allowTypeImports: true,
  message: 'Only electron/main and electron/preload may import Electron values; receive capabilities by injection.',
};
// Outside sandbox/, only its public entries may be imported: the app only the training one, so the packaged
// main bundle carries no fault injection and no control API.
const sandboxInternalsBan = {
  group: ['**/sandbox/*', '!**/sandbox/index.ts', '!**/sandbox/training.ts'],
  message: 'Reach the sandbox only through its public entries, sandbox/index.ts or sandbox/training.ts.',
};
const appSandboxBan = {
  group: ['**/sandbox/*', '!**/sandbox/training.ts'],
  message:
    'The app reaches the sandbox only through sandbox/training.ts (training mode); the full sandbox is for tests and scripts.',
};
const electronStoreBan = {
  name: 'electron-store',
  message: 'electron-store loads Electron; use `conf` (same engine) behind an injected store.',
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.tmp/**', 'out/**', 'docs/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'shared/ is platform-neutral.' },
            { name: 'react', message: 'shared/ is platform-neutral.' },
            electronStoreBan,
          ],
          patterns: [
            { group: nodeBuiltins, message: 'shared/ is platform-neutral: no Node built-ins.' },
            {
              group: ['**/electron/**', '**/renderer/**'],
              message: 'shared/ depends on nothing in electron/ or renderer/.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'The renderer reaches main only through window.pos.' },
            electronStoreBan,
          ],
          patterns: [
            { group: nodeBuiltins, message: 'The renderer never touches Node or the disk.' },
            { group: ['**/electron/**'], message: 'The renderer imports only shared/.' },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/core/**/*.ts', 'electron/preview/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [electronValueBan, electronStoreBan],
          patterns: [
            { group: ['**/renderer/**'], message: 'Node-side code never imports the renderer.' },
            appSandboxBan,
          ],
        },
      ],
    },
  },
  {
    files: ['electron/main/**/*.ts', 'electron/preload/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [appSandboxBan] }],
    },
  },
  {
    files: ['tests/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [electronValueBan, electronStoreBan],
          patterns: [
            { group: ['**/renderer/**'], message: 'Node-side code never imports the renderer.' },
            sandboxInternalsBan,
          ],
        },
      ],
    },
  },
  {
    // The catalogue checks read the renderer's catalogues and formatter (plain data and FormatJS, no DOM);
    // nothing else of the renderer.
    files: ['tests/unit/i18n-*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [electronValueBan, electronStoreBan],
          patterns: [
            {
              regex: '(^|/)renderer/(?!i18n/)',
              message: 'Node-side code never imports the renderer (the i18n checks may read renderer/i18n).',
            },
            sandboxInternalsBan,
          ],
        },
      ],
    },
  },
  {
    files: ['sandbox/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [electronValueBan, electronStoreBan],
          patterns: [
            { group: ['**/renderer/**', '**/electron/**'], message: 'The sandbox stands alone: nothing from the app.' },
          ],
        },
      ],
    },
  },
);
