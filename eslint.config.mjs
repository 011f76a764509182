import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import layers from './eslint/layers.js';

export default tseslint.config(
  {
    ignores: ['node_modules/**', 'cdk.out/**', '.xseven/**', 'coverage/**', '**/*.js', '**/*.mjs'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    // Layers run one way and areas import each other without cycles (eslint/layers.js).
    files: ['**/*.ts'],
    plugins: { layers },
    rules: { 'layers/direction': 'error', 'layers/no-area-cycles': 'error' },
  },
);
