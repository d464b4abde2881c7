import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FidelityClassifier } from '../../../bench/fidelity/classifier.js';
import { classifyCategories, heldOutCategoryAccuracy, promptCategory, recognisedShare } from '../../../bench/fidelity/recognisability.js';
import { FIDELITY_PROMPTS } from '../../../bench/fidelity/prompt-set.js';
import { readHeldOutImages, type LabelledImage } from '../../../bench/fidelity/training-images.js';
import { UserFacingError } from '../../../app/protocol/user-facing-error.js';

describe('recognisability with the project classifier (models/fidelity-classifier)', () => {
  let classifier: FidelityClassifier;
  let heldOut: LabelledImage[];

  before(async () => {
    classifier = await FidelityClassifier.open();
    // Prepares .cache/train/data from the npm emoji packages on first use (~1 min on 2 cores).
    heldOut = await readHeldOutImages();
  });
  after(() => classifier.release());

  test('each experiment prompt names exactly one classifier category, the one its caption spells', () => {
    const expected = ['Smileys & Emotion', 'Food & Drink', 'Animals & Nature', 'Travel & Places', 'Travel & Places', 'Food & Drink', 'Smileys & Emotion', 'Animals & Nature', 'Smileys & Emotion', 'Animals & Nature', 'Travel & Places', 'Smileys & Emotion'];
    assert.deepEqual(FIDELITY_PROMPTS.map((prompt) => promptCategory(prompt, classifier.config)), expected);
    assert.throws(() => promptCategory('a red square, noto', classifier.config), UserFacingError);
  });

  test('the held-out split and its category accuracy are the ones tools/train/classifier.py recorded in PyTorch', async () => {
    const training = classifier.config.training as { held_out_images: number; held_out_accuracy: { category: number } };
    assert.equal(heldOut.length, training.held_out_images);
    const accuracy = await heldOutCategoryAccuracy(classifier, heldOut);
    // The record is rounded to 4 decimals; one image of 384 is 0.0026, so this tolerates no disagreement.
    assert.ok(Math.abs(accuracy - training.held_out_accuracy.category) < 1e-3, `measured ${accuracy}, recorded ${training.held_out_accuracy.category}`);
  });

  test('recognisedShare counts the images whose predicted category is the expected one', async () => {
    const images = heldOut.slice(0, 40).map((entry) => entry.image);
    const predicted = await classifyCategories(classifier, images);
    const truth = heldOut.slice(0, 40).map((entry) => entry.category);
    const hits = predicted.filter((category, index) => category === truth[index]).length;
    assert.equal(await recognisedShare(classifier, images, truth), hits / 40);
    assert.equal(await recognisedShare(classifier, images, predicted), 1);
    await assert.rejects(recognisedShare(classifier, images, truth.slice(1)), /recognisedShare\.expected/);
  });
});
