import type { Agent, Registry } from '../../../registry/agent.ts';
import type { Candidate, IndexSnapshots, PreparedStrategy, ScoreBreakdown, ScoringStrategy, StrategyInput, StrategyServices } from '../../strategy.ts';
import { CANDIDATES, contextScore, describedByExamples, sigmoid, strength, withHistory } from '../shared.ts';
import { lexicalReason, lexicalSource, LexicalRanker, type LexicalMatch } from './ranker.ts';
import { TermClassifier } from './term-classifier.ts';

/** Agents scored when the registry has an examples' classifier: it may favour one outside the best ten by words. */
const CLASSIFIED_POOL = 20;
/**
 * The examples' classifier's probability moves the calibrated confidence: by `weight` per
 * unit of probability above `evenProbability`, in log-odds. Fitted on CLINC150 val (in-scope
 * top-1 86 → 89 %, out-of-scope recall 49 → 75 %).
 */
const CLASSIFIER = { weight: 8, evenProbability: 0.3 } as const;

const logit = (p: number) => Math.log(p / (1 - p));

/** The kind of index under which the examples' classifier is kept (IndexSnapshots). */
const CLASSIFIER_KIND = 'term-classifier';

/**
 * The examples' classifier of a registry version: restored when `snapshots` has a sound one
 * (training is deterministic, so it is the classifier training would give), otherwise
 * trained and its snapshot kept for the next process.
 */
async function termClassifier(registry: Registry, snapshots: IndexSnapshots | undefined): Promise<TermClassifier> {
  const examples = registry.agents.map((agent) => agent.examples);
  const restored = snapshots && TermClassifier.restore(snapshots.read(CLASSIFIER_KIND, registry.version), registry.version, examples.length);
  if (restored) return restored;
  const trained = await TermClassifier.train(examples);
  try {
    snapshots?.write(CLASSIFIER_KIND, registry.version, trained.snapshot(registry.version));
  } catch {
    // A model too large for one string (hundreds of MB) is not kept: the next process trains it again.
  }
  return trained;
}

export const lexical: ScoringStrategy = {
  name: 'lexical',
  description:
    'Field-weighted BM25F over names, triggers, descriptions, capabilities and definitions, nearest examples, typo tolerance and a calibrated no-match',
  prepare(registry: Registry, services: StrategyServices): PreparedStrategy | Promise<PreparedStrategy> {
    const ranker = LexicalRanker.prepare(registry, services.indexSnapshots);
    if (!describedByExamples(registry)) return rankWith(registry, ranker, undefined);
    return termClassifier(registry, services.indexSnapshots).then((classifier) => rankWith(registry, ranker, classifier));
  },
};

/** One agent's lexical candidacy; its text is built only for the few candidates a caller reads. */
class LexicalCandidate implements Candidate {
  readonly agent: Agent;
  readonly score: ScoreBreakdown;
  readonly #match: LexicalMatch;

  constructor(agent: Agent, score: ScoreBreakdown, match: LexicalMatch) {
    this.agent = agent;
    this.score = score;
    this.#match = match;
  }

  get reason(): string {
    return lexicalReason(this.#match.evidence);
  }

  get explanation(): string {
    const { total } = this.score;
    return `${this.agent.name}: ${strength(total)} (${total.toFixed(2)}), mostly from ${lexicalSource(this.#match)}`;
  }

  /** Serialised like other strategies' candidates, whose reason and explanation are own properties. */
  toJSON(): Candidate {
    return { agent: this.agent, score: this.score, reason: this.reason, explanation: this.explanation };
  }
}

/** Ranking by words, with the examples' classifier when the registry has one. */
function rankWith(registry: Registry, ranker: LexicalRanker, classifier: TermClassifier | undefined): PreparedStrategy {
  return {
    rank(input: StrategyInput): Candidate[] {
      const probabilities = classifier?.probabilities(input.text);
      const pool = probabilities === undefined ? CANDIDATES : CLASSIFIED_POOL;
      const candidates = ranker.rank(input.text, pool, input.learned).map((match): Candidate => {
        const agent = registry.agents[match.evidence.agent];
        const historical = input.historical(agent.name) ?? 0.5;
        const calibrated =
          probabilities === undefined
            ? match.confidence
            : sigmoid(logit(match.confidence) + CLASSIFIER.weight * (probabilities[match.evidence.agent] - CLASSIFIER.evenProbability));
        const total = withHistory(calibrated, historical);
        const score = {
          total,
          trigger: match.triggerShare,
          context: contextScore(agent.domain, input.context.domain),
          capability: match.capabilityShare,
          historical,
        };
        return new LexicalCandidate(agent, score, match);
      });
      // Calibration can reorder close candidates; the contract is best total first (sort is stable).
      return candidates.sort((a, b) => b.score.total - a.score.total).slice(0, CANDIDATES);
    },
  };
}
