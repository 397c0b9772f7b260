import type { Registry } from '../../../registry/agent.ts';
import type { Candidate, PreparedStrategy, ScoringStrategy, StrategyInput, StrategyServices } from '../../strategy.ts';
import { CANDIDATES, contextScore, strength, withHistory } from '../shared.ts';
import { lexicalReason, lexicalSource, LexicalRanker } from './ranker.ts';

export const lexical: ScoringStrategy = {
  name: 'lexical',
  description:
    'Field-weighted BM25F over names, triggers, descriptions, capabilities and definitions, nearest examples, typo tolerance and a calibrated no-match',
  prepare(registry: Registry, services: StrategyServices): PreparedStrategy {
    const ranker = LexicalRanker.prepare(registry, services.indexSnapshots);
    return {
      rank(input: StrategyInput): Candidate[] {
        const candidates = ranker.rank(input.text, CANDIDATES, input.learned).map((match): Candidate => {
          const agent = registry.agents[match.evidence.agent];
          const historical = input.historical(agent.name) ?? 0.5;
          const total = withHistory(match.confidence, historical);
          return {
            agent,
            score: {
              total,
              trigger: match.triggerShare,
              context: contextScore(agent.domain, input.context.domain),
              capability: match.capabilityShare,
              historical,
            },
            // Text is built only for the few candidates a caller reads.
            get reason() {
              return lexicalReason(match.evidence);
            },
            get explanation() {
              return `${agent.name}: ${strength(total)} (${total.toFixed(2)}), mostly from ${lexicalSource(match)}`;
            },
          };
        });
        // Calibration can reorder close candidates; the contract is best total first (sort is stable).
        return candidates.sort((a, b) => b.score.total - a.score.total);
      },
    };
  },
};
