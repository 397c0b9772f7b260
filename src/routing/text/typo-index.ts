/**
 * Typo tolerance by symmetric deletion (the SymSpell idea): the vocabulary is indexed by
 * each word and its one-character deletions; a query word's deletions (up to two) are
 * looked up there, and hits are confirmed by optimal-string-alignment distance, which
 * counts a transposition ("reveiw") as one edit.
 */

const MEMO_SIZE = 10_000;

/** Shortest word we try to correct: shorter ones collide with too many real words. */
const MIN_LENGTH = 5;

function maxDistance(length: number): number {
  return length >= 8 ? 2 : 1;
}

function deletions(word: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < word.length; i++) out.push(word.slice(0, i) + word.slice(i + 1));
  return out;
}

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions). */
export function osaDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array(rows * cols);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[(i - 1) * cols + j] + 1, d[i * cols + j - 1] + 1, d[(i - 1) * cols + j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, d[(i - 2) * cols + j - 2] + 1);
      }
      d[i * cols + j] = best;
    }
  }
  return d[rows * cols - 1];
}

export class TypoIndex {
  /**
   * Deletion (or word) → vocabulary words it comes from; built on the first word to correct:
   * a one-shot process whose request has no unknown word never needs it.
   */
  #variants: Map<string, string[]> | undefined;
  /** Each vocabulary word and how many agents use it. */
  readonly vocabulary: ReadonlyMap<string, number>;
  /** Recent answers: requests reuse words, and a lookup costs dozens of probes. */
  readonly #memo = new Map<string, string | null>();

  /** `vocabulary`: each word and how many agents use it (ties prefer common words). */
  constructor(vocabulary: ReadonlyMap<string, number>) {
    this.vocabulary = vocabulary;
  }

  #variantsOf(): Map<string, string[]> {
    if (this.#variants !== undefined) return this.#variants;
    const variants = new Map<string, string[]>();
    const add = (variant: string, word: string) => {
      const words = variants.get(variant);
      if (words === undefined) variants.set(variant, [word]);
      else if (words.at(-1) !== word) words.push(word);
    };
    for (const word of this.vocabulary.keys()) {
      if (word.length < MIN_LENGTH - 1 || !/^\p{L}+$/u.test(word)) continue;
      add(word, word);
      for (const variant of deletions(word)) add(variant, word);
    }
    this.#variants = variants;
    return variants;
  }

  has(word: string): boolean {
    return this.vocabulary.has(word);
  }

  /** The closest vocabulary word within the allowed distance, or undefined. */
  correct(word: string): string | undefined {
    if (word.length < MIN_LENGTH || this.vocabulary.has(word)) return undefined;
    let answer = this.#memo.get(word);
    if (answer === undefined) {
      answer = /^\p{L}+$/u.test(word) ? (this.#closest(word) ?? null) : null;
      if (this.#memo.size >= MEMO_SIZE) this.#memo.clear();
      this.#memo.set(word, answer);
    }
    return answer ?? undefined;
  }

  #closest(word: string): string | undefined {
    const limit = maxDistance(word.length);
    const probes = new Set([word, ...deletions(word)]);
    if (limit >= 2) for (const once of deletions(word)) for (const twice of deletions(once)) probes.add(twice);
    let best: string | undefined;
    let bestDistance = limit + 1;
    let bestFrequency = 0;
    const variants = this.#variantsOf();
    for (const probe of probes) {
      for (const candidate of variants.get(probe) ?? []) {
        const distance = osaDistance(word, candidate);
        const frequency = this.vocabulary.get(candidate) ?? 0;
        if (
          distance < bestDistance ||
          (distance === bestDistance && (frequency > bestFrequency || (frequency === bestFrequency && candidate < best!)))
        ) {
          best = candidate;
          bestDistance = distance;
          bestFrequency = frequency;
        }
      }
    }
    return best;
  }
}
