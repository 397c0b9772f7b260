import type { Registry } from '../../../registry/agent.ts';
import { AgentIndex, type Field } from './agent-index.ts';
import { confidence, confidenceFeatures } from './confidence.ts';
import { ExampleIndex } from './example-index.ts';
import { EvidenceCollector, type Evidence } from './evidence.ts';

/** One agent's lexical evidence with its calibrated confidence. */
export interface LexicalMatch {
  readonly evidence: Evidence;
  /** Calibrated: the agent fits at ≥ 0.5. */
  readonly confidence: number;
  /** Share of the evidence from the name, title and triggers. */
  readonly triggerShare: number;
  readonly capabilityShare: number;
}

const TRIGGER_FIELDS: readonly Field[] = ['name', 'title', 'triggers', 'contextTriggers'];

function share(evidence: Evidence, fields: readonly Field[]): number {
  let sum = 0;
  for (const field of fields) sum += evidence.byField[field] ?? 0;
  return evidence.score > 0 ? sum / evidence.score : 0;
}

/** The strongest request words and the fields they matched, and the closest example. */
export function lexicalReason(evidence: Evidence): string {
  const words = new Map<string, Field>();
  for (const term of [...evidence.terms].sort((a, b) => b.weight - a.weight)) {
    if (!words.has(term.word) && words.size < 4) words.set(term.word, term.field);
  }
  const parts = [...words].map(([word, field]) => `'${word}' (${field})`);
  if (evidence.example !== undefined) parts.unshift(`like example '${evidence.example}'`);
  return parts.length > 0 ? `Matched ${parts.join(', ')}` : 'Weak lexical evidence';
}

/** Where the lexical evidence mostly came from, for explanations. */
export function lexicalSource(match: LexicalMatch): string {
  const { evidence } = match;
  if (evidence.example !== undefined && (evidence.byField.examples ?? 0) >= evidence.score / 2) return 'similar examples';
  return match.triggerShare >= 0.5 ? 'its name and triggers' : 'its description and capabilities';
}

/** The lexical index of one registry version and its calibrated ranking; shared by `lexical` and `hybrid`. */
export class LexicalRanker {
  readonly #collector: EvidenceCollector;

  constructor(registry: Registry) {
    this.#collector = new EvidenceCollector(new AgentIndex(registry.agents), new ExampleIndex(registry.agents), registry.agents.length);
  }

  /** The best `limit` agents by lexical score, each with its own calibrated confidence. */
  rank(text: string, limit: number): LexicalMatch[] {
    const { ranked, requestIdf } = this.#collector.collect(text, limit);
    return ranked.map((evidence, position) => {
      const rival = position === 0 ? (ranked[1]?.score ?? 0) : ranked[0].score;
      return {
        evidence,
        confidence: confidence(confidenceFeatures(evidence, rival, requestIdf)),
        triggerShare: share(evidence, TRIGGER_FIELDS),
        capabilityShare: share(evidence, ['capabilities']),
      };
    });
  }
}
