/**
 * The settings an image was made with, for the gallery: each node of the executed prompt with its
 * literal inputs (links are wiring, not settings), long text shortened.
 */
import { isPromptLink, type Prompt } from '../../../app/protocol/index.js';

export interface PromptSummaryLine {
  nodeId: string;
  title: string;
  settings: string;
}

const MAX_TEXT = 120;

export function summarisePrompt(prompt: Prompt): PromptSummaryLine[] {
  return Object.entries(prompt)
    .sort(([a], [b]) => Number(a) - Number(b) || a.localeCompare(b))
    .flatMap(([nodeId, node]) => {
      const settings = Object.entries(node.inputs)
        .filter(([, value]) => !isPromptLink(value))
        .map(([name, value]) => `${name}: ${shorten(JSON.stringify(value))}`);
      return settings.length === 0 ? [] : [{ nodeId, title: node._meta?.title ?? node.class_type, settings: settings.join(', ') }];
    });
}

function shorten(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
}
