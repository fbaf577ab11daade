// Lint config: the recommended TypeScript rules, plus the few that catch
// mistakes this codebase cares about (floating promises hide failed writes).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', '.bench/', 'src/generated/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // src gets the type-checked rules: they catch a promise nobody awaits, an
    // object printed as "[object Object]", an error that is not an Error.
    files: ['src/**/*.ts'],
    extends: [...tseslint.configs.recommendedTypeChecked],
  },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    // Text from the repo can hold terminal escapes: robo prints only through
    // its Reporter (src/ui.ts), which makes them visible first.
    files: ['src/**/*.ts'],
    ignores: ['src/ui.ts'],
    rules: {
      'no-console': 'error',
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "MemberExpression[object.object.name='process'][object.property.name=/^std(out|err)$/][property.name='write']",
          message: 'Print through the Reporter (src/ui.ts): it makes terminal escapes from the repo visible.',
        },
      ],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  prettier,
  {
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', __dirname: 'readonly', Buffer: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
