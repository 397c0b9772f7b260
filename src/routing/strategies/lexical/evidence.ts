import type { AgentIndex, Field } from './agent-index.ts';
import type { ExampleIndex } from './example-index.ts';

/** A request word that counted for an agent, and through which field. */
export interface TermMatch {
  readonly word: string;
  readonly field: Field;
  readonly weight: number;
}

/** Everything the lexical strategy knows about one agent for one request. */
export interface Evidence {
  readonly agent: number;
  score: number;
  /** idf mass of the request words it matched. */
  matchedIdf: number;
  /** Score per field, for the confidence breakdown. */
  readonly byField: Partial<Record<Field, number>>;
  readonly terms: TermMatch[];
  /** The agent's closest example, when examples contributed. */
  example?: string;
}

export interface RequestEvidence {
  /** Agents with any evidence, best first; ties keep registry order. */
  readonly ranked: Evidence[];
  /** idf mass of the whole request, words the registry never uses included. */
  readonly requestIdf: number;
}

/** A corrected typo is likely, not certain, to be the word meant. */
const TYPO_DISCOUNT = 0.8;
/**
 * Example similarity (cosine, 0..1) is scaled by the request's idf mass so that it lives
 * on the same scale as the BM25F score it is added to.
 */
const EXAMPLE_WEIGHT = 3;

function evidenceFor(byAgent: Map<number, Evidence>, agent: number): Evidence {
  let evidence = byAgent.get(agent);
  if (evidence === undefined) byAgent.set(agent, (evidence = { agent, score: 0, matchedIdf: 0, byField: {}, terms: [] }));
  return evidence;
}

/** BM25F over the agents' fields plus nearest-example similarity, summed per agent. */
export function collectEvidence(text: string, index: AgentIndex, examples: ExampleIndex): RequestEvidence {
  const byAgent = new Map<number, Evidence>();
  let requestIdf = 0;
  for (const { term, word, corrected } of index.queryTerms(text)) {
    const idf = index.idf.get(term);
    // Unknown words weigh half an unseen term: identifiers and names in long requests are common.
    requestIdf += idf ?? index.unseenIdf * 0.5;
    const postings = index.postings.get(term);
    if (postings === undefined || idf === undefined) continue;
    const discount = corrected ? TYPO_DISCOUNT : 1;
    for (const posting of postings) {
      const evidence = evidenceFor(byAgent, posting.agent);
      const weight = posting.weight * discount;
      evidence.score += weight;
      evidence.matchedIdf += idf * discount;
      evidence.byField[posting.field] = (evidence.byField[posting.field] ?? 0) + weight;
      evidence.terms.push({ word, field: posting.field, weight });
    }
  }
  for (const [agent, match] of examples.nearest(text)) {
    const evidence = evidenceFor(byAgent, agent);
    const weight = EXAMPLE_WEIGHT * match.similarity * requestIdf;
    evidence.score += weight;
    evidence.byField.examples = (evidence.byField.examples ?? 0) + weight;
    evidence.example = match.example;
  }
  const ranked = [...byAgent.values()].sort((a, b) => b.score - a.score || a.agent - b.agent);
  return { ranked, requestIdf };
}
