/**
 * A private copy of the bundled pixel-space model's sources (models/emoji-pixel-32: the committed
 * files only, none of the ONNX graphs a run may have built there), so tests build it on first use
 * without touching the repository's folder.
 */
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILD_STAMP_FILE } from '../../app/models/pipeline-sources.js';
import './test-cache-dir.js';

export const EMOJI_MODEL_NAME = 'emoji-pixel-32';
const COMMITTED_FOLDER = fileURLToPath(new URL(`../../models/${EMOJI_MODEL_NAME}`, import.meta.url));

/** A fresh models folder holding only the emoji model's sources; returns the models folder. */
export function emojiSourcesCopy(): string {
  const modelsDir = mkdtempSync(path.join(tmpdir(), 'emoji-models-'));
  cpSync(COMMITTED_FOLDER, path.join(modelsDir, EMOJI_MODEL_NAME), {
    recursive: true,
    filter: (source) => !source.endsWith('.onnx') && path.basename(source) !== BUILD_STAMP_FILE,
  });
  return modelsDir;
}
