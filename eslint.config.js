// ESLint: the recommended sets for JS, TypeScript and Vue, with formatting left to Prettier (.prettierrc.json).
// Import layers are dependency-cruiser's (.dependency-cruiser.cjs); both run in `npm run lint`.
import js from '@eslint/js'
import prettier from 'eslint-config-prettier'
import vue from 'eslint-plugin-vue'
import { defineConfig, globalIgnores } from 'eslint/config'
import globals from 'globals'
import tseslint from 'typescript-eslint'

/** Globals that exist only in a browser or only in Node: src/shared runs in both, so it may use neither. */
const PLATFORM_GLOBALS = ['window', 'document', 'navigator', 'location', 'localStorage', 'sessionStorage', 'HTMLElement', 'process', 'Buffer', 'require', '__dirname', '__filename', 'global']

export default defineConfig([
  globalIgnores(['out/', 'dist/', 'node_modules/', 'test-results/', 'playwright-report/', '.native/', 'resources/', 'test/fixtures/', 'scratch/', 'generated-models/']),
  js.configs.recommended,
  tseslint.configs.recommended,
  vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] } }
  },
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // `_name` marks a parameter kept for its position in a signature.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }]
    }
  },
  {
    // CommonJS on purpose: bin/mia.cjs and engine/runner/uv-threadpool.cjs run before any ES module loads.
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' }
  },
  {
    files: ['src/main/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "VariableDeclarator[id.name='require']", message: 'The ESM bundle (out/main) declares its own `require` at chunk scope; name this one after what it loads.' }
      ]
    }
  },
  {
    files: ['test/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          // Vitest's toMatchObject/toEqual compare a RegExp value with ===-like equality: `{ message: /x/ }` passes for any message.
          selector: 'CallExpression[callee.property.name=/^(toMatchObject|toEqual|toStrictEqual)$/] Property > Literal[regex]',
          message: 'A regex as an object value checks nothing here: use expect.stringMatching(/…/).'
        }
      ]
    }
  },
  {
    files: ['src/renderer/**'],
    languageOptions: { globals: { ...globals.browser } }
  },
  {
    files: ['src/shared/**'],
    languageOptions: { globals: { ...globals.es2022 } },
    rules: { 'no-restricted-globals': ['error', ...PLATFORM_GLOBALS.map((name) => ({ name, message: 'src/shared runs in Node and in the browser: pass platform facts in from the caller.' }))] }
  },
  prettier
])
