// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Import restrictions: dependencies point inward (see docs/architecture.md). */
const nodeBuiltins = [
  'node:*',
  'fs',
  'http',
  'https',
  'net',
  'os',
  'path',
  'stream',
  'url',
  'crypto',
];
const restrict = (patterns, message) => ({
  'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }],
});

export default tseslint.config(
  {
    ignores: ['node_modules/**', 'dist/**', 'coverage/**', 'test-results/**', 'src/web/dist/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['src/status/**', 'src/protocol/**'],
    rules: restrict(
      [
        ...nodeBuiltins,
        '../*',
        '!../status',
        '!../status/*',
        '!../protocol',
        '!../protocol/*',
        '!../errors.ts',
        '@kubernetes/*',
        'ws',
        'rxjs',
        'pino',
      ],
      'status/ and protocol/ are pure: they import nothing of ours but each other, and no Node modules',
    ),
  },
  {
    files: ['src/kube/**'],
    rules: restrict(
      ['../server/*', '../web/*', '../cli/*', '../sim/*'],
      'kube/ never imports server/, web/, cli/ or sim/',
    ),
  },
  {
    files: ['src/pipeline/**'],
    rules: restrict(
      ['../server/*', '../web/*', '../cli/*', '../sim/*', '@kubernetes/*'],
      'pipeline/ sees events, not transports',
    ),
  },
  {
    files: ['src/server/**', 'src/alerts/**'],
    rules: restrict(
      ['../kube/*', '../sim/*', '../cli/*', '../web/*', '@kubernetes/*'],
      'server/ sees the pipeline through its own interface',
    ),
  },
  {
    files: ['src/sim/**'],
    rules: restrict(
      [
        '../kube/*',
        '../pipeline/*',
        '../server/*',
        '../client/*',
        '../cli/*',
        '../web/*',
        '@kubernetes/*',
      ],
      'the simulator keeps its own truth: only status/ (Table rendering) and protocol/ (selectors) may be imported',
    ),
  },
  {
    files: ['src/client/**', 'src/web/**'],
    rules: restrict(
      [
        ...nodeBuiltins,
        '../kube/*',
        '../pipeline/*',
        '../server/*',
        '../sim/*',
        '../cli/*',
        '@kubernetes/*',
        'rxjs',
        'pino',
      ],
      'client/ and web/ run in browsers',
    ),
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
