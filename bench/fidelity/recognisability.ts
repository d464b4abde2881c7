/**
 * Recognisability: does a generated image still show what the prompt asked for? The fidelity
 * classifier (./classifier.ts) names each image's emoji category (its class is source × category;
 * the source — twemoji or noto drawing — is ignored here, as a style change is not the failure).
 * The score is the share of a method's images assigned the prompt's category. A tiled texture or a
 * smeared blob stops looking like a face; the object count and the FID-like distances cannot say
 * that the picture is no longer of the thing asked for.
 *
 * The classifier is itself imperfect, so its accuracy on its held-out split (the same category-level
 * measure) is the ceiling to read the score against: a method at the held-out accuracy draws
 * images as recognisable as real ones.
 */
import type { FidelityClassifier, FidelityClassifierConfig } from './classifier.js';
import type { RgbImage } from './image-ops.js';
import { fidelityInputError } from './input-error.js';
import type { LabelledImage } from './training-images.js';

/** "Smileys & Emotion" as the captions write it: "smileys and emotion" (tools/train/emoji-sources.ts). */
const captionForm = (category: string): string => category.toLowerCase().replace(/&/g, 'and');

/** The classifier category a training-format caption names among its comma-separated fields. */
export function promptCategory(prompt: string, config: FidelityClassifierConfig): string {
  const fields = new Set(prompt.split(',').map((field) => field.trim()));
  const categories = [...new Set(config.classes.map((entry) => entry.category))];
  const named = categories.filter((category) => fields.has(captionForm(category)));
  if (named.length !== 1) throw fidelityInputError('promptCategory.prompt', `"${prompt}" names ${named.length} of the classifier's categories (${categories.join(', ')}); a prompt must name exactly one`);
  return named[0]!;
}

/** The category of each image's highest-scoring class. */
export async function classifyCategories(classifier: FidelityClassifier, images: readonly RgbImage[]): Promise<string[]> {
  const { logits } = await classifier.embed(images);
  return logits.map((row) => classifier.config.classes[argmax(row)]!.category);
}

/** Share of images whose predicted category is the expected one (expected[i] for images[i]). */
export async function recognisedShare(classifier: FidelityClassifier, images: readonly RgbImage[], expected: readonly string[]): Promise<number> {
  if (images.length !== expected.length) throw fidelityInputError('recognisedShare.expected', `has ${expected.length} categories for ${images.length} images`);
  if (images.length === 0) return 0;
  const predicted = await classifyCategories(classifier, images);
  return predicted.filter((category, index) => category === expected[index]).length / images.length;
}

/** Category accuracy on labelled real images: the ceiling for recognisedShare. */
export function heldOutCategoryAccuracy(classifier: FidelityClassifier, heldOut: readonly LabelledImage[]): Promise<number> {
  return recognisedShare(
    classifier,
    heldOut.map((entry) => entry.image),
    heldOut.map((entry) => entry.category),
  );
}

function argmax(row: Float32Array): number {
  let best = 0;
  for (let index = 1; index < row.length; index++) if (row[index]! > row[best]!) best = index;
  return best;
}
