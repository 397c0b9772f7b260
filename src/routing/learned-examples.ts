/**
 * Requests whose outcome was recorded as a success, kept as labelled utterances of the
 * agent that served them: strategies treat them like the agents' own `examples`, so the
 * router improves with use without code changes. Each change makes a new immutable
 * snapshot with a new version, which is part of the cache key and of the decision's
 * determinism (same snapshot, same answer).
 */
export interface LearnedExample {
  readonly agent: string;
  /** Normalised request text (as strategies see requests). */
  readonly text: string;
  /** Its sentence embedding, when an encoder was available to compute it. */
  readonly vector?: Float32Array;
}

export interface LearnedSnapshot {
  readonly version: number;
  readonly examples: readonly LearnedExample[];
}

export const NOTHING_LEARNED: LearnedSnapshot = Object.freeze({ version: 0, examples: Object.freeze([]) });

export class LearnedExamples {
  #snapshot: LearnedSnapshot = NOTHING_LEARNED;
  readonly #examples: LearnedExample[] = [];
  readonly #seen = new Set<string>();

  /** Made when first asked for after a change: adding many examples copies them once, not once each. */
  get snapshot(): LearnedSnapshot {
    if (this.#snapshot.version !== this.#examples.length) {
      this.#snapshot = Object.freeze({ version: this.#examples.length, examples: Object.freeze([...this.#examples]) });
    }
    return this.#snapshot;
  }

  /** Adds one labelled utterance; the same text for the same agent is kept once. Returns whether it was new. */
  add(example: LearnedExample): boolean {
    const key = `${example.agent}\u0000${example.text}`;
    if (this.#seen.has(key)) return false;
    this.#seen.add(key);
    this.#examples.push(Object.freeze(example));
    return true;
  }
}
