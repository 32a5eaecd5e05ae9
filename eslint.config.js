// ESLint (flat config) with typescript-eslint; formatting is Prettier's job (`npm run format`).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Module names the layers must not load, as esquery regular expressions (`\x2F` is '/': esquery
// ends a regular expression at the first slash). A relative path into another of our directories:
const OURS_OUTSIDE_PROTOCOL = String.raw`/(^|\x2F)(agent|hardware|scripts|test)\x2F/`;
const OURS_OUTSIDE_HARDWARE = String.raw`/(^|\x2F)(agent|scripts|test)\x2F/`;
// the I/O modules of no-restricted-imports' list below, with and without node:
const IO_NODE = String.raw`/^node:(fs|fs\x2F.*|net|child_process|http|https|dgram)$/`;
const IO_ANY = String.raw`/^(node:(fs|fs\x2F.*|net|child_process|http|https|dgram)|fs|net|child_process)$/`;
const PROTOCOL_OURS = 'protocol/ imports nothing of ours outside protocol/';
const PROTOCOL_IO = 'protocol/ is pure: no I/O';
const HARDWARE_OURS = 'hardware/ uses protocol/ only; take a logger as a parameter';

/**
 * no-restricted-syntax entries for what no-restricted-imports cannot see, modules loaded at run
 * time: `import('…')`, and a call with the module's name as its first argument: require('…'), the
 * function createRequire made (whatever its name), process.getBuiltinModule('…'). `anyCall` is
 * refused as the first argument of any call (names no other call takes: a path into agent/, node:fs);
 * `requireOnly` (bare names such as 'fs', which other calls may take) only by require and
 * getBuiltinModule.
 */
function loadedAtRunTime(message, anyCall, requireOnly = anyCall) {
  const entries = [
    { selector: `ImportExpression[source.value=${requireOnly}]`, message },
    { selector: `CallExpression[arguments.0.value=${anyCall}]`, message },
  ];
  if (requireOnly === anyCall) return entries; // the second entry covers every call
  return entries.concat(
    { selector: `CallExpression[callee.name='require'][arguments.0.value=${requireOnly}]`, message },
    {
      selector: `CallExpression[callee.property.name='getBuiltinModule'][arguments.0.value=${requireOnly}]`,
      message,
    },
  );
}

/** import() with a computed name (a template literal too), which the entries above could not check. */
const LITERAL_IMPORT = {
  selector: "ImportExpression[source.type!='Literal']",
  message: 'import() names its module with a plain string here, so the layer rule can check it',
};

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
  // uses protocol/ only (its logger is passed in). A violation fails `npm run lint` and the suite
  // (test/lint-layers.test.ts). no-restricted-imports sees static imports (and export … from) only;
  // no-restricted-syntax refuses the same modules loaded by import(), require() or createRequire's.
  {
    files: ['protocol/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...loadedAtRunTime(PROTOCOL_OURS, OURS_OUTSIDE_PROTOCOL),
        ...loadedAtRunTime(PROTOCOL_IO, IO_NODE, IO_ANY),
        LITERAL_IMPORT,
      ],
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
      'no-restricted-syntax': [
        'error',
        ...loadedAtRunTime(HARDWARE_OURS, OURS_OUTSIDE_HARDWARE),
        LITERAL_IMPORT,
      ],
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
