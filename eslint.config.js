// ESLint (flat config) with typescript-eslint; formatting is Prettier's job (`npm run format`).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-control-regex': 'off',
    },
  },
  // Layers: protocol/ is pure and imports nothing of ours outside it (nor I/O modules); hardware/
  // uses protocol/ only (its logger is passed in). A violation fails `npm run lint` and the suite.
  {
    files: ['protocol/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/agent/**', '**/hardware/**', '**/scripts/**', '**/test/**'],
              message: 'protocol/ imports nothing of ours outside protocol/',
            },
            {
              group: [
                'node:fs',
                'node:fs/*',
                'node:net',
                'node:child_process',
                'node:http',
                'node:https',
                'node:dgram',
                'fs',
                'net',
                'child_process',
              ],
              message: 'protocol/ is pure: no I/O',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['hardware/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/agent/**', '**/scripts/**', '**/test/**'],
              message: 'hardware/ uses protocol/ only; take a logger as a parameter',
            },
          ],
        },
      ],
    },
  },
);
