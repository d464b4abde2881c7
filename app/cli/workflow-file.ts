/** Reading a workflow file and the --set flags for the commands that take one. */
import { readFile } from 'node:fs/promises';
import { formatIssue, type Issue, type WidgetOverride } from '../protocol/index.js';
import { InvalidArgumentError } from 'commander';

/** Returns parsed JSON, or a malformed_json issue: the engine's loader then explains everything else. */
export async function readWorkflowFile(file: string): Promise<{ ok: true; json: unknown } | { ok: false; issues: Issue[] }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { ok: false, issues: [{ code: 'invalid_workflow', message: code === 'ENOENT' ? `no such file: ${file}` : `cannot read ${file}: ${(error as Error).message}` }] };
  }
  try {
    return { ok: true, json: JSON.parse(text) };
  } catch (error) {
    const truncated = /end of (JSON )?input|Unterminated/i.test((error as Error).message);
    return {
      ok: false,
      issues: [{ code: 'malformed_json', message: `${file} is not valid JSON: ${(error as Error).message}`, ...(truncated ? { hint: 'the file looks truncated' } : {}) }],
    };
  }
}

/** commander option parser for repeated `--set NODE_ID.FIELD=VALUE`. */
export function collectOverride(text: string, previous: WidgetOverride[] = []): WidgetOverride[] {
  const match = /^([^.=\s]+)\.([^=\s]+)=(.*)$/s.exec(text);
  if (!match) throw new InvalidArgumentError(`"${text}" is not NODE_ID.FIELD=VALUE (e.g. 3.steps=30)`);
  const [, nodeId, field, raw] = match as unknown as [string, string, string, string];
  return [...previous, { nodeId, field, value: parseOverrideValue(raw) }];
}

/** Numbers and booleans as such; anything else (prompts, sampler names) as text, quotes optional. */
function parseOverrideValue(raw: string): number | string | boolean {
  if (raw === 'true' || raw === 'false') return raw === 'true';
  if (raw.trim() !== '' && Number.isFinite(Number(raw))) return Number(raw);
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed === 'string') return parsed;
  } catch {
    // not JSON: the raw text is the value
  }
  return raw;
}

export function printIssues(issues: readonly Issue[], stream: NodeJS.WritableStream = process.stderr): void {
  for (const issue of issues) stream.write(`  ✗ ${formatIssue(issue)}\n`);
}
