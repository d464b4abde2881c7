import { defineNode } from '../app/engine/node-definition.js';
import { writeOutputFile } from '../app/engine/output-files.js';

export const saveText = defineNode({
  schema: {
    type: 'SaveText',
    displayName: 'Save Text',
    category: 'utils/output',
    description: 'Writes text to a new .txt file in the output folder; never overwrites.',
    version: 1,
    outputNode: true,
    idempotent: true,
    inputs: [
      { name: 'text', kind: 'STRING', default: '', multiline: true, forceInput: true },
      { name: 'filename_prefix', kind: 'STRING', default: 'scalecrafter', multiline: false },
    ],
    outputs: [],
  },
  execute: async ({ text, filename_prefix }, { outputDir }) => {
    const file = await writeOutputFile(outputDir, filename_prefix, 'txt', text);
    return { outputs: [], ui: { files: [{ filename: file.filename, subfolder: file.subfolder, type: 'output' }] } };
  },
});
