/**
 * The experiment's fixed prompts and seeds. The prompts are training captions verbatim (the format
 * tools/train/emoji-sources.ts writes: name, short names, category, subcategory, style), alternating
 * the two styles, across categories and shapes (round faces, tall rocket, flat fruit), so that what
 * is measured is the resolution change, not an unfamiliar prompt.
 */
export const FIDELITY_PROMPTS: readonly string[] = [
  'grinning face, grinning, smileys and emotion, face smiling, twemoji',
  'red apple, apple, food and drink, food fruit, noto',
  'dog face, dog, animals and nature, animal mammal, twemoji',
  'rocket, travel and places, transport air, noto',
  'sun with face, travel and places, sky and weather, twemoji',
  'strawberry, food and drink, food fruit, noto',
  'ghost, smileys and emotion, face costume, twemoji',
  'tiger face, tiger, animals and nature, animal mammal, noto',
  'pile of poo, hankey, poop, shit, smileys and emotion, face costume, twemoji',
  'cat face, cat, animals and nature, animal mammal, noto',
  'fire, travel and places, sky and weather, twemoji',
  'face with tears of joy, joy, smileys and emotion, face smiling, noto',
];

/** Seeds of prompt `index`: fixed, distinct across prompts, the same for every method and size. */
export function seedsOf(index: number, count: number): number[] {
  return Array.from({ length: count }, (_, k) => 1000 * (index + 1) + k);
}
