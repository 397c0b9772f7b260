import type { Registry } from '../../../registry/agent.ts';
import type { Candidate, PreparedStrategy, ScoringStrategy, StrategyInput } from '../../strategy.ts';
import { AgentIndex, type Field } from './agent-index.ts';
import { confidence, confidenceFeatures } from './confidence.ts';
import { ExampleIndex } from './example-index.ts';
import { EvidenceCollector, type Evidence } from './evidence.ts';

/** Candidates returned: no request may ask for more than 10 recommendations. */
const CANDIDATES = 10;
/** How far recorded outcomes move a confidence: ±0.05 between a 0 % and a 100 % success rate. */
const HISTORY_WEIGHT = 0.1;

const TRIGGER_FIELDS: readonly Field[] = ['name', 'title', 'triggers', 'contextTriggers'];

/** SPEC §2 context score: the agent's domain against the request's (`general` when absent). */
function contextScore(agentDomain: string, requestDomain: string | undefined): number {
  const wanted = requestDomain ?? 'general';
  if (agentDomain === wanted) return 1;
  return agentDomain === 'general' || wanted === 'general' ? 0.7 : 0.4;
}

function share(evidence: Evidence, fields: readonly Field[]): number {
  let sum = 0;
  for (const field of fields) sum += evidence.byField[field] ?? 0;
  return evidence.score > 0 ? sum / evidence.score : 0;
}

function reasonFor(evidence: Evidence): string {
  const words = new Map<string, Field>();
  for (const term of [...evidence.terms].sort((a, b) => b.weight - a.weight)) {
    if (!words.has(term.word) && words.size < 4) words.set(term.word, term.field);
  }
  const parts = [...words].map(([word, field]) => `'${word}' (${field})`);
  if (evidence.example !== undefined) parts.unshift(`like example '${evidence.example}'`);
  return parts.length > 0 ? `Matched ${parts.join(', ')}` : 'Weak lexical evidence';
}

function explanationFor(name: string, total: number, triggerShare: number, evidence: Evidence): string {
  const strength = total >= 0.8 ? 'Strong match' : total >= 0.5 ? 'Good match' : 'Weak match';
  const source =
    evidence.example !== undefined && (evidence.byField.examples ?? 0) >= evidence.score / 2
      ? 'mostly from similar examples'
      : triggerShare >= 0.5
        ? 'mostly from its name and triggers'
        : 'mostly from its description and capabilities';
  return `${name}: ${strength} (${total.toFixed(2)}), ${source}`;
}

export const lexical: ScoringStrategy = {
  name: 'lexical',
  description:
    'Field-weighted BM25F over names, triggers, descriptions, capabilities and definitions, nearest examples, typo tolerance and a calibrated no-match',
  prepare(registry: Registry): PreparedStrategy {
    const index = new AgentIndex(registry.agents);
    const collector = new EvidenceCollector(index, new ExampleIndex(registry.agents), registry.agents.length);
    return {
      rank(input: StrategyInput): Candidate[] {
        const { ranked, requestIdf } = collector.collect(input.text, CANDIDATES);
        const candidates = ranked.map((evidence, position): Candidate => {
          const agent = registry.agents[evidence.agent];
          const rival = position === 0 ? (ranked[1]?.score ?? 0) : ranked[0].score;
          const calibrated = confidence(confidenceFeatures(evidence, rival, requestIdf));
          const historical = input.historical(agent.name) ?? 0.5;
          const total = Math.min(1, Math.max(0, calibrated + HISTORY_WEIGHT * (historical - 0.5)));
          const trigger = share(evidence, TRIGGER_FIELDS);
          return {
            agent,
            score: {
              total,
              trigger,
              context: contextScore(agent.domain, input.context.domain),
              capability: share(evidence, ['capabilities']),
              historical,
            },
            // Text is built only for the few candidates a caller reads.
            get reason() {
              return reasonFor(evidence);
            },
            get explanation() {
              return explanationFor(agent.name, total, trigger, evidence);
            },
          };
        });
        // Calibration can reorder close candidates; the contract is best total first (sort is stable).
        return candidates.sort((a, b) => b.score.total - a.score.total);
      },
    };
  },
};
