import { createRandom } from '../data/seeded-random.js';

/**
 * The random stream of one trial of a search: a pure function of (seed, index, stream), so proposing
 * trial 7 gives the same draws whether or not trials 0–6 were proposed in this process.
 */
export function trialRandom(seed: number, index: number, stream = 0): () => number {
  // Mix the three numbers into one 32-bit seed (murmur3's finalizer), so (1, 2) and (2, 1) differ.
  let h = Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(index | 0, 0x85ebca6b) ^ Math.imul(stream | 0, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return createRandom((h ^ (h >>> 16)) >>> 0);
}
