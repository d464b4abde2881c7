// Lint enforces the layering of docs/ARCHITECTURE.md ("Layer rules"): the protocol is shared by every process and imports
// nothing runtime-specific; the renderer sees only the protocol; only app/runtime touches ONNX Runtime.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'crypto', 'worker_threads', 'child_process', 'url'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'renderer/dist/**', 'models/**', 'out/**', '.cache/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['**/*.ts'],
    ignores: ['app/runtime/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'onnxruntime-node', message: 'only app/runtime talks to ONNX Runtime' }] }],
    },
  },
  {
    files: ['app/protocol/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: nodeBuiltins, message: 'app/protocol is shared with the renderer: no Node APIs' },
            { group: ['electron', 'onnxruntime-node', 'onnxruntime-*'], message: 'app/protocol imports no runtime' },
            { group: ['../*', '!../protocol/*'], message: 'app/protocol imports nothing else from app/' },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: [...nodeBuiltins, 'electron', 'onnxruntime-node'], message: 'the renderer is sandboxed' }, { group: ['**/app/*', '!**/app/protocol', '!**/app/protocol/*'], message: 'the renderer imports only app/protocol' }] },
      ],
    },
  },
  { files: ['**/*.js'], languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } } },
);
