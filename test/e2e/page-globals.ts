/**
 * The browser globals that the tests' in-page functions (page.evaluate, init scripts) touch, typed
 * minimally: test files compile under the project's Node tsconfig, which has no DOM library, and
 * adding it there would let Node code use `window` unnoticed. In-page code reads them as
 * `(globalThis as unknown as PageGlobals)`; the cast is erased, so nothing but the function body
 * travels to the page.
 */
import type { Workflow } from '../../app/protocol/index.js';

export type Point = { x: number; y: number };
export type Box = { left: number; top: number; width: number; height: number };

/** renderer/src/app/debug-handle.ts, as the page exposes it. */
export interface DebugHandle {
  snapshot(): Workflow;
  dirty(): boolean;
  subgraphPath(): { id: string; name: string }[];
  boundarySlotPoint(side: 'input' | 'output', index: number): Point | null;
  linkCentre(linkId: number): Point | null;
  nodeSummary(nodeId: number): { title: string; inputs: [string, string][]; outputs: [string, string][]; widgets: string[] } | null;
  screenPoint(nodeId: number, widgetName?: string): Point | null;
  widgetBox(nodeId: number, widgetName: string): Box | null;
  slotPoint(nodeId: number, side: 'input' | 'output', slot: number): Point | null;
  decoration(nodeId: number): { kind: string; lines?: string[] } | null;
  selectedNodes(): number[];
  nodeRect(nodeId: number): Rect | null;
  screenRect(nodeId: number): { node: Rect; canvas: Rect } | null;
  previewRect(nodeId: number): Rect | null;
  hasOutputImage(nodeId: number): boolean;
  widgetDisplay(nodeId: number, widgetName: string): string | null;
  view(): { scale: number; widgetTextSize: number; titleTextSize: number; font: string };
}

/** A box in graph space. */
export type Rect = { x: number; y: number; w: number; h: number };

export interface PageElement {
  getAttribute(name: string): string | null;
  querySelectorAll(selector: string): ArrayLike<PageElement> & Iterable<PageElement>;
  dispatchEvent(event: unknown): boolean;
  matches(selector: string): boolean;
  textContent: string | null;
  naturalWidth?: number;
}

export interface PolicyViolation {
  violatedDirective: string;
  blockedURI: string;
  sourceFile: string;
  lineNumber: number;
}

export interface PageGlobals {
  scalecrafterDebug: DebugHandle;
  cspViolations: string[];
  document: {
    title: string;
    activeElement: PageElement | null;
    body: { dataset: Record<string, string | undefined> };
    querySelector(selector: string): PageElement | null;
    querySelectorAll(selector: string): ArrayLike<PageElement> & Iterable<PageElement>;
    getElementById(id: string): PageElement | null;
    addEventListener(type: 'securitypolicyviolation', listener: (event: PolicyViolation) => void): void;
  };
  atob(base64: string): string;
  requestAnimationFrame(callback: () => void): number;
  DataTransfer: new () => { items: { add(file: unknown): void } };
  File: new (parts: unknown[], name: string, options: { type: string }) => unknown;
  DragEvent: new (type: string, init: { dataTransfer: unknown; bubbles: boolean; cancelable: boolean }) => unknown;
}
