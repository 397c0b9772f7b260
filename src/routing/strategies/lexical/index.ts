import type { Registry } from '../../../registry/agent.ts';
import type { Candidate, PreparedStrategy, ScoringStrategy, StrategyInput } from '../../strategy.ts';
import { AgentIndex, type Field } from './agent-index.ts';
import { ExampleIndex, utteranceStems } from './example-index.ts';

/** Evidence for one agent, accumulated over the query's terms. */
export interface LexicalEvidence {
  agent: number;
  score: number;
  /** idf mass of the query terms this agent matched. */
  matchedIdf: number;
  /** Per field, the score it contributed. */
  byField: Partial<Record<Field, number>>;
  /** Matched query terms, strongest first, for the reason. */
  matched: { term: string; weight: number; field: Field }[];
}

/** Features of a ranking that predict whether its top agent is right (see confidence.ts). */
export interface RankingFeatures {
  coverage: number;
  strength: number;
  margin: number;
  matchedIdf: number;
}

const TYPO_DISCOUNT = 0.8;

const EXAMPLE_WEIGHT = Number(process.env.EXW ?? 1);

export function collectEvidence(index: AgentIndex, text: string, examples?: ExampleIndex): { evidence: LexicalEvidence[]; queryIdf: number } {
  const byAgent = new Map<number, LexicalEvidence>();
  let queryIdf = 0;
  const queryTerms = index.queryTerms(text);
  for (const { term, corrected } of queryTerms) {
    const idf = index.idf.get(term);
    queryIdf += idf ?? index.maxIdf * 0.5;
    const postings = index.postings.get(term);
    if (postings === undefined || idf === undefined) continue;
    const discount = corrected ? TYPO_DISCOUNT : 1;
    for (const posting of postings) {
      let evidence = byAgent.get(posting.agent);
      if (evidence === undefined) {
        evidence = { agent: posting.agent, score: 0, matchedIdf: 0, byField: {}, matched: [] };
        byAgent.set(posting.agent, evidence);
      }
      const weight = posting.weight * discount;
      evidence.score += weight;
      evidence.matchedIdf += idf * discount;
      evidence.byField[posting.field] = (evidence.byField[posting.field] ?? 0) + weight;
      evidence.matched.push({ term, weight, field: posting.field });
    }
  }
  if (examples !== undefined && examples.size > 0) {
    const nearest = examples.nearest(utteranceStems(text));
    for (const [agent, similarity] of nearest) {
      let evidence = byAgent.get(agent);
      if (evidence === undefined) {
        evidence = { agent, score: 0, matchedIdf: 0, byField: {}, matched: [] };
        byAgent.set(agent, evidence);
      }
      const weight = EXAMPLE_WEIGHT * similarity * queryIdf;
      evidence.score += weight;
      evidence.byField.examples = (evidence.byField.examples ?? 0) + weight;
    }
  }
  const evidence = [...byAgent.values()].sort((a, b) => b.score - a.score || a.agent - b.agent);
  return { evidence, queryIdf };
}

export function rankingFeatures(evidence: LexicalEvidence[], queryIdf: number): RankingFeatures {
  const top = evidence[0];
  if (top === undefined) return { coverage: 0, strength: 0, margin: 0, matchedIdf: 0 };
  const second = evidence[1]?.score ?? 0;
  return {
    coverage: top.matchedIdf / Math.max(queryIdf, 1e-9),
    strength: top.score / Math.max(top.matchedIdf * 2.2, 1e-9),
    margin: (top.score - second) / top.score,
    matchedIdf: top.matchedIdf,
  };
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

export function confidence(features: RankingFeatures): number {
  return sigmoid(4 * features.coverage + 2 * features.margin + 0.3 * features.matchedIdf - 4);
}

export const lexical: ScoringStrategy = {
  name: 'lexical',
  description: 'Field-weighted BM25F over names, triggers, descriptions, capabilities and examples, with typo tolerance and a calibrated no-match',
  prepare(registry: Registry): PreparedStrategy {
    const index = new AgentIndex(registry.agents);
    return {
      rank(input: StrategyInput): Candidate[] {
        const { evidence, queryIdf } = collectEvidence(index, input.text);
        const top = evidence[0];
        if (top === undefined) return [];
        const features = rankingFeatures(evidence, queryIdf);
        const topConfidence = confidence(features);
        return evidence.map((item) => {
          const agent = registry.agents[item.agent];
          const total = topConfidence * (item.score / top.score);
          const historical = input.historical(agent.name) ?? 0.5;
          const trigger = Math.min(1, ((item.byField.triggers ?? 0) + (item.byField.name ?? 0) + (item.byField.title ?? 0)) / top.score);
          const capability = Math.min(1, (item.byField.capabilities ?? 0) / top.score);
          const best = item.matched.sort((a, b) => b.weight - a.weight).slice(0, 3);
          return {
            agent,
            score: { total, trigger, context: 0.7, capability, historical },
            reason: `Matched ${best.map((m) => `'${m.term}' (${m.field})`).join(', ')}`,
            explanation: `${agent.name}: lexical score ${item.score.toFixed(2)}, coverage ${(features.coverage * 100).toFixed(0)}%`,
          };
        });
      },
    };
  },
};
