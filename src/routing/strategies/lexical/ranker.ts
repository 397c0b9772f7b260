import type { Registry } from '../../../registry/agent.ts';
import { NOTHING_LEARNED, type LearnedSnapshot } from '../../learned-examples.ts';
import type { IndexSnapshots } from '../../strategy.ts';
import { AgentIndex, type AgentIndexSnapshot, type Field } from './agent-index.ts';
import { confidence, confidenceFeatures } from './confidence.ts';
import { ExampleIndex, type ExampleIndexSnapshot } from './example-index.ts';
import { EvidenceCollector, type Evidence } from './evidence.ts';
import { isRecord } from './snapshot-data.ts';
import { TriggerPhrases } from './trigger-phrases.ts';

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
  for (const field of fields) sum += evidence.byField[field];
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
  const matched = parts.length > 0 ? `Matched ${parts.join(', ')}` : 'Weak lexical evidence';
  return evidence.antiTrigger === undefined ? matched : `${matched}; but its anti-trigger '${evidence.antiTrigger}' is in the request`;
}

/** What each group of fields is called in explanations, strongest evidence first. */
const SOURCES: readonly [string, readonly Field[]][] = [
  ['its name and triggers', TRIGGER_FIELDS],
  ['its description', ['description', 'domain']],
  ['its capabilities', ['capabilities']],
  ['similar examples', ['examples']],
  ['its definition', ['body']],
];

/** Where the lexical evidence mostly came from, for explanations. */
export function lexicalSource(match: LexicalMatch): string {
  let best = SOURCES[0];
  let bestShare = -1;
  for (const source of SOURCES) {
    const sourceShare = share(match.evidence, source[1]);
    if (sourceShare > bestShare) {
      best = source;
      bestShare = sourceShare;
    }
  }
  return best[0];
}

/** What a LexicalRanker restores from: its two indexes as JSON data, and whose they are. */
export interface LexicalSnapshot {
  readonly registryVersion: string;
  readonly agents: AgentIndexSnapshot;
  readonly examples: ExampleIndexSnapshot;
}

/** The kind of index under which the lexical snapshot is kept (IndexSnapshots). */
const SNAPSHOT_KIND = 'lexical';

/** The lexical index of one registry version and its calibrated ranking; shared by `lexical` and `hybrid`. */
export class LexicalRanker {
  readonly #registry: Registry;
  readonly #agents: AgentIndex;
  readonly #examples: ExampleIndex;
  readonly #collector: EvidenceCollector;
  #learned: { version: number; index: ExampleIndex } | undefined;

  private constructor(registry: Registry, agents: AgentIndex, examples: ExampleIndex) {
    this.#registry = registry;
    this.#agents = agents;
    this.#examples = examples;
    this.#collector = new EvidenceCollector(agents, examples, new TriggerPhrases(registry.agents), registry.agents.length);
  }

  /**
   * The ranker of a registry version: restored from its snapshot when `snapshots` has a
   * sound one, otherwise built, and then its snapshot kept for the next process.
   */
  static prepare(registry: Registry, snapshots?: IndexSnapshots): LexicalRanker {
    const restored = snapshots && LexicalRanker.#restore(registry, snapshots.read(SNAPSHOT_KIND, registry.version));
    if (restored) return restored;
    const ranker = new LexicalRanker(
      registry,
      AgentIndex.build(registry.agents),
      ExampleIndex.build(registry.agents.map((agent) => agent.examples)),
    );
    snapshots?.write(SNAPSHOT_KIND, registry.version, ranker.#snapshot());
    return ranker;
  }

  static #restore(registry: Registry, snapshot: unknown): LexicalRanker | undefined {
    if (!isRecord(snapshot) || snapshot.registryVersion !== registry.version) return undefined;
    const agentCount = registry.agents.length;
    const agents = AgentIndex.restore(snapshot.agents, agentCount);
    const examples = agents && ExampleIndex.restore(snapshot.examples, agentCount);
    return examples && new LexicalRanker(registry, agents, examples);
  }

  #snapshot(): LexicalSnapshot {
    return { registryVersion: this.#registry.version, agents: this.#agents.snapshot(), examples: this.#examples.snapshot() };
  }

  /** The learned utterances as an example index, built once per snapshot. */
  #learnedIndex(snapshot: LearnedSnapshot): ExampleIndex | undefined {
    if (snapshot.examples.length === 0) return undefined;
    if (this.#learned?.version !== snapshot.version) {
      const byAgent = new Map(this.#registry.agents.map((agent, index) => [agent.name, index]));
      const utterances = this.#registry.agents.map((): string[] => []);
      for (const example of snapshot.examples) {
        const agent = byAgent.get(example.agent);
        if (agent !== undefined) utterances[agent].push(example.text);
      }
      this.#learned = { version: snapshot.version, index: ExampleIndex.build(utterances) };
    }
    return this.#learned.index;
  }

  /** The best `limit` agents by lexical score, each with its own calibrated confidence. */
  rank(text: string, limit: number, learned: LearnedSnapshot = NOTHING_LEARNED): LexicalMatch[] {
    const { ranked, requestIdf } = this.#collector.collect(text, limit, this.#learnedIndex(learned));
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
