#!/usr/bin/env node
// The CLI runs from the compiled output; `npm run build` (part of the README's set-up) creates it.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sourceNewerThan } from './build-freshness.js';

const main = new URL('../dist/app/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write('scalecrafter: not built yet — run `npm run build` in the project folder first\n');
  process.exit(1);
}
const changed = sourceNewerThan(fileURLToPath(new URL('..', import.meta.url)), fileURLToPath(main));
if (changed) {
  process.stderr.write(`scalecrafter: warning: the build in dist/ is older than ${path.relative(process.cwd(), changed)} — run \`npm run build\` to run the current sources\n`);
}
await import(main.href);
