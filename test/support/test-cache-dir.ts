/**
 * Prepared UNets and dispersion transforms of test models go to a temporary cache, not the user's.
 * Imported for this effect by the modules that hand tests a models folder; child processes (the CLI,
 * `serve`) inherit it through the environment.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

process.env.SCALECRAFTER_CACHE_DIR ||= mkdtempSync(path.join(tmpdir(), 'scalecrafter-cache-'));
