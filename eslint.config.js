// Type-aware lint rules; the layer rule keeps core/ free of frameworks, drivers and sockets.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import globals from 'globals'

const coreForbidden = [
  'fastify',
  'kysely',
  'better-sqlite3',
  'pg',
  'mysql2',
  'pino',
  'commander',
  'node:dgram',
  'node:net',
  'node:http',
  'node:https',
  'node:fs',
  'node:fs/promises',
  'node:child_process',
]

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'data/', 'test-artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            {
              from: 'package',
              package: 'node:test',
              name: [
                'describe',
                'it',
                'test',
                'suite',
                'before',
                'after',
                'beforeEach',
                'afterEach',
              ],
            },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-restricted-exports': ['error', { restrictDefaultExports: { direct: true } }],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: coreForbidden.map((name) => ({
            name,
            message: 'core/ stays free of frameworks, drivers and I/O',
          })),
          patterns: [
            {
              group: [
                '**/http/**',
                '**/store/**',
                '**/backends/**',
                '**/authoritative/**',
                '**/dialects/**',
                '**/cli/**',
              ],
              message: 'core/ never imports outer layers',
            },
          ],
        },
      ],
    },
  },
  {
    // Every door checks credentials through core's CredentialGate (lockouts, failure budgets);
    // the raw verifiers stay inside core, so no new door can skip them.
    files: ['src/**/*.ts'],
    ignores: ['src/core/**', '**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/core/auth/auth.ts', '**/core/auth/lockout.ts'],
              importNames: ['Authenticator', 'Lockouts'],
              message:
                'check credentials through CredentialGate (src/core/auth/credential-gate.ts)',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: globals.node,
    },
  },
  {
    files: ['eslint.config.js'],
    rules: { 'no-restricted-exports': 'off' },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
)
