/**
 * What the examples' classifiers share: seeded randomness, so training is deterministic, the
 * softmax, and pauses that keep a service answering while a classifier trains.
 */

/** Deterministic PRNG (mulberry32): numbers in [0, 1), the same sequence for the same seed. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Shuffles `items` in place (Fisher–Yates) from `seed`: the same seed, the same order. */
export function seededShuffler(seed: number): <T>(items: T[]) => void {
  const next = prng(seed);
  return (items) => {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [items[i], items[j]] = [items[j], items[i]];
    }
  };
}

/** `logits` → probabilities, in place. */
export function softmax(logits: Float32Array): void {
  let max = -Infinity;
  for (const value of logits) if (value > max) max = value;
  let sum = 0;
  for (let c = 0; c < logits.length; c++) {
    logits[c] = Math.exp(logits[c] - max);
    sum += logits[c];
  }
  for (let c = 0; c < logits.length; c++) logits[c] /= sum;
}

/** Longest stretch of training between two pauses: a service's other work waits at most this. */
const BUSY_MS = 10;

/**
 * A pause to call between training steps: it yields to the event loop once BUSY_MS have
 * passed since the last one (a reload trains while the old registry keeps serving).
 */
export function trainingPauses(): () => Promise<void> | undefined {
  let since = performance.now();
  return () => {
    if (performance.now() - since < BUSY_MS) return undefined;
    return new Promise((resolve) => {
      setImmediate(() => {
        since = performance.now();
        resolve();
      });
    });
  };
}
