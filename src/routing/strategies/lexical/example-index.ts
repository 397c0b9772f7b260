import type { Agent } from '../../../registry/agent.ts';
import { stem, words } from '../../text/tokens.ts';

/** Every word stemmed, stop words kept: in short utterances they carry the intent ("what is your name"). */
export function utteranceStems(text: string): string[] {
  return words(text).map(stem);
}

/** Unigrams plus adjacent-pair bigrams: "credit limit" and "credit score" must differ. */
export function exampleFeatures(stems: readonly string[]): string[] {
  const out = [...stems];
  for (let i = 1; i < stems.length; i++) out.push(`${stems[i - 1]} ${stems[i]}`);
  return out;
}

/**
 * Nearest-neighbour index over the agents' labelled utterances (`examples`): TF-IDF
 * vectors, cosine similarity, and per agent the similarity of its closest example.
 */
export class ExampleIndex {
  readonly size: number;
  readonly #owner: Int32Array;
  readonly #postings = new Map<string, { examples: Int32Array; weights: Float32Array }>();
  /** Dot products of the current query with every example, reused across calls. */
  readonly #dots: Float32Array;
  readonly #idf = new Map<string, number>();

  constructor(agents: readonly Agent[]) {
    const owners: number[] = [];
    const vectors: Map<string, number>[] = [];
    agents.forEach((agent, agentIndex) => {
      for (const example of agent.examples) {
        const counts = new Map<string, number>();
        for (const feature of exampleFeatures(utteranceStems(example))) counts.set(feature, (counts.get(feature) ?? 0) + 1);
        if (counts.size === 0) continue;
        owners.push(agentIndex);
        vectors.push(counts);
      }
    });
    this.size = vectors.length;
    this.#owner = Int32Array.from(owners);
    const df = new Map<string, number>();
    for (const vector of vectors) for (const feature of vector.keys()) df.set(feature, (df.get(feature) ?? 0) + 1);
    for (const [feature, count] of df) this.#idf.set(feature, Math.log((1 + this.size) / (1 + count)) + 1);
    this.#dots = new Float32Array(this.size);
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

  /** Per agent index, the cosine similarity of its closest example to the query (absent: 0). */
  nearest(queryStems: readonly string[]): Map<number, number> {
    const best = new Map<number, number>();
    if (this.size === 0) return best;
    const query = new Map<string, number>();
    for (const feature of exampleFeatures(queryStems)) {
      const idf = this.#idf.get(feature);
      if (idf !== undefined) query.set(feature, (query.get(feature) ?? 0) + idf);
    }
    let norm = 0;
    for (const weight of query.values()) norm += weight * weight;
    // Unknown words still count in the query's length: they are evidence against every example.
    norm += (exampleFeatures(queryStems).length - query.size) * 4;
    norm = Math.sqrt(norm);
    if (norm === 0) return best;
    // Dense accumulation: stop words reach thousands of examples, and typed arrays keep that cheap.
    const dots = this.#dots;
    dots.fill(0);
    for (const [feature, weight] of query) {
      const { examples, weights } = this.#postings.get(feature)!;
      const scaled = weight / norm;
      for (let i = 0; i < examples.length; i++) dots[examples[i]] += scaled * weights[i];
    }
    const owner = this.#owner;
    const second = new Map<number, number>();
    for (let example = 0; example < dots.length; example++) {
      const dot = dots[example];
      if (dot <= 0) continue;
      const agent = owner[example];
      const top = best.get(agent) ?? 0;
      if (dot > top) {
        second.set(agent, top);
        best.set(agent, dot);
      } else if (dot > (second.get(agent) ?? 0)) second.set(agent, dot);
    }
    const SECOND = Number(process.env.SEC ?? 0.5);
    for (const [agent, top] of best) best.set(agent, (top + SECOND * (second.get(agent) ?? 0)) / (1 + SECOND));
    return best;
  }
}
