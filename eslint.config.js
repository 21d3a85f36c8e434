// The folder boundaries of docs/architecture are enforced here, not hoped for:
// shared/ is pure, renderer/ never reaches Node or the database, and only the Electron
// entry points import `electron`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const NODE_BUILTINS = [
  'node:*', 'fs', 'fs/*', 'path', 'os', 'crypto', 'child_process', 'worker_threads', 'http', 'https',
  'net', 'zlib', 'stream', 'url', 'util', 'buffer', 'events', 'process',
];
const electronOnly = {
  group: ['electron', 'electron/*'],
  message: '只有 electron/main.ts、electron/preload.ts 和 electron/ipc.ts 可以引用 electron。',
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'out/**', 'release/**', 'tests/e2e/screenshots/**'] },
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
    // CommonJS on purpose: the code cache's loader (scripts/code-cache.cjs) and the worker it starts run plain scripts.
    files: ['scripts/**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['shared/**/*.ts'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: NODE_BUILTINS, message: 'shared/ 必须是纯 TypeScript:不能使用 Node API。' },
          { group: ['better-sqlite3', 'kysely', 'xlsx', 'exceljs', 'react', 'react-dom', 'antd', '**/db/**', '**/electron/**', '**/renderer/**'], message: 'shared/ 不能依赖数据库、界面或主进程代码。' },
          electronOnly,
        ],
      }],
      'no-restricted-globals': ['error', 'window', 'document', 'Buffer', 'process', 'require'],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: NODE_BUILTINS, message: '界面代码不能使用 Node API:通过 shared/api.ts 的接口调用主进程。' },
          { group: ['better-sqlite3', 'kysely', '**/db/**', '**/electron/**', '**/seeds/**'], message: '界面代码只能通过 API 访问数据。' },
          electronOnly,
        ],
      }],
    },
  },
  {
    files: ['db/**/*.ts', 'seeds/**/*.ts', 'electron/services/**/*.ts', 'electron/cli.ts', 'electron/bridge/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [electronOnly, { group: ['**/renderer/**'], message: '服务层不能依赖界面代码。' }] }],
    },
  },
  {
    files: ['db/migrations/**/*.ts'],
    rules: {
      // Kysely's own advice: migrations take Kysely<any> so they never depend on today's schema types.
      '@typescript-eslint/no-explicit-any': 'off',
      // Migrations are frozen history: they must not change when app code changes.
      'no-restricted-imports': ['error', { patterns: [
        { group: ['../*', '../../*', '!./*'], message: '迁移脚本不能引用应用代码,只能使用 Kysely<any>。' },
        electronOnly,
      ] }],
    },
  },
);
