/**
 * Bytes a user handed us (opened, dropped) → the JSON to give the engine's loadWorkflow request.
 * A PNG this app wrote carries our workflow in its own tEXt chunk, preferred since it holds
 * everything; then "workflow" (ComfyUI's UI format — or ours, in images written before the own
 * chunk existed: the engine tells them apart), and at least the executable "prompt" (ComfyUI's API
 * format, which the engine also imports).
 */
import { isPng, readPngText } from '../files/png-text.js';
import { OWN_WORKFLOW_CHUNK } from '../../../app/protocol/workflow.js';
import { UserFacingError } from '../../../app/protocol/user-facing-error.js';

export function workflowJsonFromBytes(name: string, bytes: Uint8Array): unknown {
  if (isPng(bytes)) {
    const text = readPngTextOf(name, bytes);
    const embedded = text[OWN_WORKFLOW_CHUNK] ?? text.workflow ?? text.prompt;
    if (embedded === undefined) throw new UserFacingError(`${name} carries no workflow: only PNGs written by this app (or ComfyUI) do`);
    return parseJson(name, embedded);
  }
  return parseJson(name, new TextDecoder('utf-8').decode(bytes));
}

/** The PNG's text chunks; a damaged PNG's problem is reported with the file's name. */
function readPngTextOf(name: string, bytes: Uint8Array): Record<string, string> {
  try {
    return readPngText(bytes);
  } catch (error) {
    if (error instanceof UserFacingError) throw new UserFacingError(`${name}: ${error.message}`, { hint: error.hint, code: error.code });
    throw error;
  }
}

function parseJson(name: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UserFacingError(`${name} is not a workflow: ${(error as Error).message}`);
  }
}

/** "portrait.json" → "portrait", "ScaleCrafter_00001_.png" → "ScaleCrafter_00001_". */
export function documentNameOf(fileName: string): string {
  return fileName.replace(/\.(json|png)$/i, '') || 'Untitled';
}
