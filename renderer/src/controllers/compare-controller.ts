/**
 * Compare: one action queues the canvas's workflow twice with the same seed and size, once with
 * every ScaleCrafter node bypassed ("Direct", compare/direct-variant.ts) and once as it is, and
 * opens the pair in the viewer when both have written their image. The gallery's pinned pairs and
 * single images open in the same viewer.
 */
import type { GraphEditor } from '../canvas/graph-editor.js';
import { directVariant } from '../compare/direct-variant.js';
import type { ImageViewer, ViewerImage } from '../ui/image-viewer.js';
import type { GalleryImage, RunController, RunNotify } from './run-controller.js';

interface PendingComparison {
  title: string;
  direct: string;
  scalecrafter: string;
}

export class CompareController {
  #pending: PendingComparison | undefined;

  constructor(
    private readonly runs: RunController,
    private readonly editor: GraphEditor,
    private readonly viewer: ImageViewer,
    private readonly label: () => string,
    private readonly notify: RunNotify,
  ) {
    runs.onChange(() => this.#showWhenDone());
  }

  /** Queues Direct, then ScaleCrafter, from one snapshot; seeds move on once, after both. */
  async compareDirect(): Promise<void> {
    const workflow = this.editor.snapshot();
    const direct = directVariant(workflow, this.editor.schemas);
    if (direct.bypassed.length === 0) {
      this.notify('Nothing to compare: no ScaleCrafter node is active in this workflow (add ReDilate or a ScaleCrafter Preset before the Sampler)', 'error');
      return;
    }
    const name = this.label();
    const directJob = await this.runs.queueWorkflow(direct.workflow, `${name} · Direct`);
    if (!directJob) return;
    const scalecrafterJob = await this.runs.queueWorkflow(workflow, `${name} · ScaleCrafter`);
    if (!scalecrafterJob) return;
    this.runs.applySeedControls(workflow, [directJob, scalecrafterJob]);
    this.#pending = { title: `${name}: Direct vs ScaleCrafter`, direct: directJob, scalecrafter: scalecrafterJob };
    this.notify(`Comparing: ${name} queued without and with ScaleCrafter; the pair opens when both are done`, 'info');
  }

  comparePinned(left: GalleryImage, right: GalleryImage): void {
    this.viewer.compare(viewerImage(left), viewerImage(right), `${captionOf(left)} vs ${captionOf(right)}`);
  }

  open(image: GalleryImage): void {
    this.viewer.show(viewerImage(image), captionOf(image));
  }

  #showWhenDone(): void {
    const pending = this.#pending;
    if (!pending) return;
    const jobs = [pending.direct, pending.scalecrafter].map((jobId) => this.runs.tracker.job(jobId));
    const ended = jobs.find((job) => job && job.status !== 'queued' && job.status !== 'running' && job.status !== 'done');
    if (ended) {
      this.#pending = undefined;
      this.notify(`The comparison stopped: ${ended.label ?? ended.jobId} ${ended.status === 'cancelled' ? 'was cancelled' : 'failed'}`, 'error');
      return;
    }
    if (!jobs.every((job) => job?.status === 'done')) return;
    const left = this.#firstImage(pending.direct);
    const right = left && this.#firstImage(pending.scalecrafter, left.nodeId);
    if (!left || !right) return;
    this.#pending = undefined;
    this.viewer.compare({ ...viewerImage(left), label: 'Direct' }, { ...viewerImage(right), label: 'ScaleCrafter' }, pending.title);
  }

  /** The job's first image, from the same output node as the other side's when it has one there. */
  #firstImage(jobId: string, nodeId?: string): GalleryImage | undefined {
    const images = this.runs.gallery.filter((image) => image.jobId === jobId);
    return images.find((image) => image.nodeId === nodeId) ?? images.at(-1);
  }
}

const captionOf = (image: GalleryImage) => image.label ?? image.filename;

function viewerImage(image: GalleryImage): ViewerImage {
  return { url: image.url, label: captionOf(image), jobId: image.jobId };
}
