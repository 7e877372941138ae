// ESLint (flat config): the recommended rules, no empty catch block, no promise failure
// dropped without a word, and no function in extension/ over 100 lines.
import js from '@eslint/js';
import globals from 'globals';

/** `.catch(() => {})`, `.catch(() => null)`: a handler that drops a failure unsaid. */
const SILENT_CATCH = "CallExpression[callee.property.name='catch'] > ArrowFunctionExpression[params.length=0]";

export default [
  { ignores: ['node_modules/', 'dist/', 'pkg/', 'target/', 'tests/fixtures/'] },
  js.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2024, sourceType: 'module' },
    rules: {
      'no-empty': ['error', { allowEmptyCatch: false }],
      'no-unused-vars': ['error', { args: 'none', caughtErrors: 'none' }],
    },
  },
  {
    files: ['extension/**/*.js', 'scripts/**/*.mjs'],
    rules: {
      'no-restricted-syntax': ['error', {
        selector: SILENT_CATCH,
        message: 'A failure is logged once with its stage (logFailure(stage) in extension/shared/runtime.js).',
      }],
    },
  },
  {
    files: ['extension/**/*.js'],
    languageOptions: { globals: { ...globals.browser, ...globals.webextensions } },
    rules: { 'max-lines-per-function': ['error', { max: 100 }] },
  },
  {
    // Classic scripts: the gate and the message names it is bundled with.
    files: ['extension/content/gate.js', 'extension/shared/messages.js'],
    languageOptions: { sourceType: 'script' },
  },
  {
    // Node scripts; the tests and benchmarks also pass functions to run in a page.
    files: ['scripts/**/*.mjs', 'bench/**/*.mjs', 'tests/browser/**/*.js', 'eslint.config.js'],
    languageOptions: { globals: { ...globals.node, ...globals.browser, ...globals.webextensions } },
  },
];
