import { stem, words } from '../../text/tokens.ts';
import { float32s, float64s, int32s, isRecord, listOffsets, strings } from './snapshot-data.ts';

/** Every word stemmed, stop words kept: in short utterances they carry the intent ("what is your name"). */
export function utteranceStems(text: string): string[] {
  return words(text).map(stem);
}

/** Unigrams plus adjacent-pair bigrams: "credit limit" and "credit score" must differ. */
export function features(stems: readonly string[]): string[] {
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

/** A built index as JSON data: what a later process restores instead of building it again. */
export interface ExampleIndexSnapshot {
  /** The examples as written, and the agent each belongs to. */
  readonly texts: string[];
  readonly owners: number[];
  readonly features: string[];
  /** idf[i]: the idf of features[i]. */
  readonly idf: number[];
  /** The postings of features[i] are entries offsets[i]..offsets[i + 1] of examples and weights. */
  readonly offsets: number[];
  readonly examples: number[];
  readonly weights: number[];
}

interface FeaturePostings {
  readonly examples: Int32Array;
  readonly weights: Float32Array;
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
  readonly #texts: readonly string[];
  readonly #postings: ReadonlyMap<string, FeaturePostings>;
  readonly #idf: ReadonlyMap<string, number>;
  /** Dot products of the current query with every example, reused across calls. */
  readonly #dots: Float32Array;

  private constructor(
    agentCount: number,
    owner: Int32Array,
    texts: readonly string[],
    postings: ReadonlyMap<string, FeaturePostings>,
    idf: ReadonlyMap<string, number>,
  ) {
    this.size = owner.length;
    this.#owner = owner;
    this.#texts = texts;
    this.#postings = postings;
    this.#idf = idf;
    this.#counts = new Int32Array(agentCount);
    for (const agent of owner) this.#counts[agent]++;
    this.#dots = new Float32Array(this.size);
  }

  /** `examples[i]`: the labelled utterances of agent i. */
  static build(examples: readonly (readonly string[])[]): ExampleIndex {
    const owners: number[] = [];
    const texts: string[] = [];
    const vectors: Map<string, number>[] = [];
    examples.forEach((utterances, agentIndex) => {
      for (const example of utterances) {
        const counts = new Map<string, number>();
        for (const feature of features(utteranceStems(example))) counts.set(feature, (counts.get(feature) ?? 0) + 1);
        if (counts.size === 0) continue;
        owners.push(agentIndex);
        vectors.push(counts);
        texts.push(example);
      }
    });
    const df = new Map<string, number>();
    for (const vector of vectors) for (const feature of vector.keys()) df.set(feature, (df.get(feature) ?? 0) + 1);
    const idf = new Map<string, number>();
    for (const [feature, count] of df) idf.set(feature, Math.log((1 + vectors.length) / (1 + count)) + 1);

    const lists = new Map<string, { examples: number[]; weights: number[] }>();
    vectors.forEach((vector, example) => {
      let norm = 0;
      const weights = new Map<string, number>();
      for (const [feature, count] of vector) {
        const weight = (1 + Math.log(count)) * idf.get(feature)!;
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
    const postings = new Map<string, FeaturePostings>();
    for (const [feature, list] of lists) {
      postings.set(feature, { examples: Int32Array.from(list.examples), weights: Float32Array.from(list.weights) });
    }
    return new ExampleIndex(examples.length, Int32Array.from(owners), texts, postings, idf);
  }

  snapshot(): ExampleIndexSnapshot {
    const snapshot: ExampleIndexSnapshot = {
      texts: [...this.#texts],
      owners: [...this.#owner],
      features: [],
      idf: [],
      offsets: [0],
      examples: [],
      weights: [],
    };
    for (const [feature, list] of this.#postings) {
      snapshot.features.push(feature);
      snapshot.idf.push(this.#idf.get(feature)!);
      for (let i = 0; i < list.examples.length; i++) {
        snapshot.examples.push(list.examples[i]);
        snapshot.weights.push(list.weights[i]);
      }
      snapshot.offsets.push(snapshot.examples.length);
    }
    return snapshot;
  }

  /** The index a snapshot describes, or undefined when it is not a sound index over `agentCount` agents. */
  static restore(snapshot: unknown, agentCount: number): ExampleIndex | undefined {
    if (!isRecord(snapshot)) return undefined;
    const texts = strings(snapshot.texts);
    const owners = int32s(snapshot.owners, 0, agentCount - 1);
    const featureList = strings(snapshot.features);
    const idfs = float64s(snapshot.idf);
    if (!texts || !owners || !featureList || !idfs || texts.length !== owners.length || idfs.length !== featureList.length) return undefined;
    const examples = int32s(snapshot.examples, 0, owners.length - 1);
    const weights = float32s(snapshot.weights);
    if (!examples || !weights || weights.length !== examples.length) return undefined;
    const offsets = listOffsets(snapshot.offsets, featureList.length, examples.length);
    if (!offsets) return undefined;
    const postings = new Map<string, FeaturePostings>();
    const idf = new Map<string, number>();
    for (let i = 0; i < featureList.length; i++) {
      postings.set(featureList[i], { examples: examples.subarray(offsets[i], offsets[i + 1]), weights: weights.subarray(offsets[i], offsets[i + 1]) });
      idf.set(featureList[i], idfs[i]);
    }
    if (postings.size !== featureList.length) return undefined;
    return new ExampleIndex(agentCount, owners, texts, postings, idf);
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
