import type { Registry } from '../../../registry/agent.ts';
import { SwitchboardError } from '../../../errors.ts';
import type { Candidate, PreparedStrategy, ScoringStrategy, StrategyInput, StrategyServices } from '../../strategy.ts';
import { CANDIDATES, contextScore, sigmoid, strength, withHistory } from '../shared.ts';
import { NOTHING_LEARNED } from '../../learned-examples.ts';
import { AgentVectors, type SemanticMatch } from './agent-vectors.ts';

/**
 * Confidence from similarity, on this registry's own scale: `other` is how close its texts
 * typically come to the wrong agent (AgentVectors.selfSimilarity), so the same model can
 * serve registries whose similarity levels differ. Slope and offset fitted on the dev sets.
 */
const SLOPE = 13.87;
const OFFSET = 3.0;

export function requireEmbedding(input: StrategyInput): Float32Array {
  if (input.embedding === undefined) throw new SwitchboardError('INTERNAL_ERROR', 'the router did not embed the request');
  return input.embedding;
}

/** `its trigger`, `its example`, … or, for learned utterances, `a request it served well`. */
export function evidenceSource(match: SemanticMatch): string {
  if (match.kind === 'learned') return 'a request it served well';
  return match.kind === 'sentence' ? 'its description' : `its ${match.kind}`;
}

export function semanticReason(match: SemanticMatch): string {
  return `Similar to ${evidenceSource(match)} '${match.text.length > 80 ? `${match.text.slice(0, 77)}…` : match.text}' (${match.score.toFixed(2)})`;
}

export const clamp01 = (value: number): number => Math.min(1, Math.max(0, value));

export const semantic: ScoringStrategy = {
  name: 'semantic',
  description: 'Sentence-embedding similarity between the request and each agent’s description, triggers, capabilities, examples and definition',
  usesEmbeddings: true,
  async prepare(registry: Registry, services: StrategyServices): Promise<PreparedStrategy> {
    // The mean of an agent's two best texts (semantic O/V/W top-1 64.3/67.1/58 → 64.3/75.7/60 %);
    // hybrid keeps the best text alone, where its lexical part already weighs a lucky phrase.
    const vectors = await AgentVectors.build(registry, services, { meanOfBestTwo: true });
    vectors.selfSimilarity(NOTHING_LEARNED, registry); // measured now, not on the first request
    return {
      rank(input: StrategyInput): Candidate[] {
        const { other } = vectors.selfSimilarity(input.learned, registry);
        return vectors
          .match(requireEmbedding(input), [], -1, vectors.learnedVectors(input.learned, registry))
          .slice(0, CANDIDATES)
          .map((match): Candidate => {
            const agent = registry.agents[match.agent];
            const historical = input.historical(agent.name) ?? 0.5;
            const total = withHistory(sigmoid(SLOPE * (match.score - other) + OFFSET), historical);
            return {
              agent,
              score: {
                total,
                trigger: 0,
                context: contextScore(agent.domain, input.context.domain),
                capability: 0,
                historical,
                semantic: clamp01(match.score),
              },
              reason: semanticReason(match),
              explanation: `${agent.name}: ${strength(total)} (${total.toFixed(2)}), closest to ${evidenceSource(match)}`,
            };
          });
      },
    };
  },
};
