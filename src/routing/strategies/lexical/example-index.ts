import { stem, words } from '../../text/tokens.ts';

/** Every word stemmed, stop words kept: in short utterances they carry the intent ("what is your name"). */
export function utteranceStems(text: string): string[] {
  return words(text).map(stem);
}

/** Unigrams plus adjacent-pair bigrams: "credit limit" and "credit score" must differ. */
function features(stems: readonly string[]): string[] {
  const out = [...stems];
  for (let i = 1; i < stems.length; i++) out.push(`${stems[i - 1]} ${stems[i]}`);
  return out;
}

/** How much a query feature unknown to every example lengthens the query vector. */
const UNSEEN_FEATURE_WEIGHT = 2;

export interface ExampleMatch {
  /** Mean cosine similarity of the agent's two closest examples (its only one, when it has one). */
  readonly similarity: number;
  /** Its closest example, as written. */
  readonly example: string;
}

/**
 * Nearest-neighbour index over the agents' labelled utterances (`examples`): TF-IDF
 * vectors with bigrams, cosine similarity, and per agent the mean of its two closest
 * examples (one lucky example is weaker evidence than two).
 */
export class ExampleIndex {
  readonly size: number;
  readonly #owner: Int32Array;
  /** Examples per agent: an agent with one example is judged by it alone. */
  readonly #counts: Int32Array;
  readonly #texts: string[] = [];
  readonly #postings = new Map<string, { examples: Int32Array; weights: Float32Array }>();
  readonly #idf = new Map<string, number>();
  /** Dot products of the current query with every example, reused across calls. */
  readonly #dots: Float32Array;

  /** `examples[i]`: the labelled utterances of agent i. */
  constructor(examples: readonly (readonly string[])[]) {
    const owners: number[] = [];
    const vectors: Map<string, number>[] = [];
    examples.forEach((utterances, agentIndex) => {
      for (const example of utterances) {
        const counts = new Map<string, number>();
        for (const feature of features(utteranceStems(example))) counts.set(feature, (counts.get(feature) ?? 0) + 1);
        if (counts.size === 0) continue;
        owners.push(agentIndex);
        vectors.push(counts);
        this.#texts.push(example);
      }
    });
    this.size = vectors.length;
    this.#owner = Int32Array.from(owners);
    this.#counts = new Int32Array(examples.length);
    for (const owner of owners) this.#counts[owner]++;
    this.#dots = new Float32Array(this.size);
    const df = new Map<string, number>();
    for (const vector of vectors) for (const feature of vector.keys()) df.set(feature, (df.get(feature) ?? 0) + 1);
    for (const [feature, count] of df) this.#idf.set(feature, Math.log((1 + this.size) / (1 + count)) + 1);

    const lists = new Map<string, { examples: number[]; weights: number[] }>();
    vectors.forEach((vector, example) => {
      let norm = 0;
      const weights = new Map<string, number>();
      for (const [feature, count] of vector) {
        const weight = (1 + Math.log(count)) * this.#idf.get(feature)!;
        weights.set(feature, weight);
        norm += weight * weight;
      }
      norm = Math.sqrt(norm);
      for (const [feature, weight] of weights) {
        let list = lists.get(feature);
        if (list === undefined) lists.set(feature, (list = { examples: [], weights: [] }));
        list.examples.push(example);
        list.weights.push(weight / norm);
      }
    });
    for (const [feature, list] of lists) {
      this.#postings.set(feature, { examples: Int32Array.from(list.examples), weights: Float32Array.from(list.weights) });
    }
  }

  /** Per agent index, how close its examples come to the request; agents with no overlap are absent. */
  nearest(text: string): Map<number, ExampleMatch> {
    const matches = new Map<number, ExampleMatch>();
    if (this.size === 0) return matches;
    const queryFeatures = features(utteranceStems(text));
    const query = new Map<string, number>();
    for (const feature of queryFeatures) {
      const idf = this.#idf.get(feature);
      if (idf !== undefined) query.set(feature, (query.get(feature) ?? 0) + idf);
    }
    let norm = 0;
    for (const weight of query.values()) norm += weight * weight;
    // Unknown words lengthen the query: they are evidence against every example.
    norm = Math.sqrt(norm + (queryFeatures.length - query.size) * UNSEEN_FEATURE_WEIGHT ** 2);
    if (query.size === 0) return matches;

    // Dense accumulation: stop words reach thousands of examples, and typed arrays keep that cheap.
    const dots = this.#dots;
    dots.fill(0);
    for (const [feature, weight] of query) {
      const { examples, weights } = this.#postings.get(feature)!;
      const scaled = weight / norm;
      for (let i = 0; i < examples.length; i++) dots[examples[i]] += scaled * weights[i];
    }
    const best = new Map<number, { first: number; second: number; example: number }>();
    for (let example = 0; example < dots.length; example++) {
      const dot = dots[example];
      if (dot <= 0) continue;
      const agent = this.#owner[example];
      const top = best.get(agent);
      if (top === undefined) best.set(agent, { first: dot, second: 0, example });
      else if (dot > top.first) {
        top.second = top.first;
        top.first = dot;
        top.example = example;
      } else if (dot > top.second) top.second = dot;
    }
    for (const [agent, { first, second, example }] of best) {
      matches.set(agent, { similarity: this.#counts[agent] > 1 ? (first + second) / 2 : first, example: this.#texts[example] });
    }
    return matches;
  }
}
