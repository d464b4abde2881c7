#!/usr/bin/env node
// The CLI runs from the compiled output; `npm run build` (part of the README's set-up) creates it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/app/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write('scalecrafter: not built yet — run `npm run build` in the project folder first\n');
  process.exit(1);
}
await import(main.href);
