/**
 * Seeded randomness for everything that must repeat exactly per seed: splits, samples, search
 * trials. `Math.random` cannot be seeded, so a run could never be reproduced with it.
 */

/** splitmix32: spreads a seed (however small or similar to another) over all 32 bits of state. */
function splitmix32(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x9e3779b9) | 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    return (z ^ (z >>> 15)) >>> 0;
  };
}

/**
 * A uniform generator on [0, 1): sfc32 (Chris Doty-Humphrey's small fast counting generator, which
 * passes PractRand and BigCrush) with its four words of state filled by splitmix32. Any finite seed
 * works; seeds that differ by one give unrelated streams.
 */
export function createRandom(seed: number): () => number {
  if (!Number.isFinite(seed)) throw new RangeError(`createRandom needs a finite seed, not ${seed}`);
  // Fold seeds beyond 32 bits into the low word rather than silently dropping their high bits.
  const whole = Math.trunc(seed);
  const mix = splitmix32((whole >>> 0) ^ Math.trunc(whole / 2 ** 32));
  let a = mix();
  let b = mix();
  let c = mix();
  let d = mix();
  const next = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  // The first outputs of a freshly seeded sfc32 are still correlated with its state; skip them.
  for (let i = 0; i < 12; i++) next();
  return next;
}

/** An array or typed array, shuffled in place. */
export interface Shuffleable<T> {
  length: number;
  [index: number]: T;
}

/** Fisher–Yates: every permutation equally likely given a uniform `random`. Returns `array`. */
export function shuffleInPlace<T, A extends Shuffleable<T>>(array: A, random: () => number): A {
  for (let i = array.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const swap = array[i] as T;
    array[i] = array[j] as T;
    array[j] = swap;
  }
  return array;
}
