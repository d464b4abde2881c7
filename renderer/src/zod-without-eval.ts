/**
 * zod compiles object validators with `new Function` unless told not to, and probes for it when a
 * schema is *built* — at import time of app/protocol. Our Content-Security-Policy forbids it, so
 * this module must be main.ts's first import: it switches zod to its interpreted mode before any
 * schema exists (the probe alone would be reported as a CSP violation).
 */
import { z } from 'zod';

z.config({ jitless: true });
