import { postingField, postingIndex, type AgentIndex, type Field, type PhraseField, type PostingList, type QueryTerm } from './agent-index.ts';
import type { ExampleIndex, ExampleMatch } from './example-index.ts';
import type { TriggerPhrases } from './trigger-phrases.ts';

/** A request word that counted for an agent, and through which field. */
export interface TermMatch {
  readonly word: string;
  readonly field: Field;
  readonly weight: number;
}

/** Everything the lexical strategy knows about one of the best agents for one request. */
export interface Evidence {
  readonly agent: number;
  readonly score: number;
  /** idf mass of the request words it matched. */
  readonly matchedIdf: number;
  /** Score per field, for the confidence breakdown. */
  readonly byField: Readonly<Record<Field, number>>;
  readonly terms: readonly TermMatch[];
  /** The agent's closest example, when examples contributed. */
  readonly example?: string;
  /** The agent's anti-trigger the request holds, when one does: its evidence then counts for less. */
  readonly antiTrigger?: string;
}

export interface RequestEvidence {
  /** The best agents, best first (ties keep registry order), at most the number asked for. */
  readonly ranked: Evidence[];
  /** idf mass of the whole request, words the registry never uses included. */
  readonly requestIdf: number;
}

/**
 * A learned request counts only when it shares most of its weighted words with the new
 * one: a handful of learned requests would otherwise match anything through common words.
 */
const LEARNED_MIN_SIMILARITY = 0.5;

/**
 * The weight a word has through a trigger phrase shrinks by this much for each share of the
 * phrase missing from the request: "pull" of "make a pull request" in "pull together the
 * files" keeps 1 − 0.5 × 2/3 of it. Fitted on the dev sets (ONEX top-1: lexical 71.4 →
 * 72.9 %, hybrid 75.7 → 78.6 %).
 */
const PARTIAL_PHRASE_DISCOUNT = 0.5;
/**
 * An agent whose anti-trigger the request holds whole ("visual regression" for a front-end
 * builder whose definition sends that to the UI-testing agent) keeps this share of its
 * lexical evidence: the author has said the words point elsewhere.
 */
const ANTI_TRIGGER_FACTOR = 0.5;
/**
 * Example similarity (cosine, 0..1) is scaled by the request's idf mass so that it lives
 * on the same scale as the BM25F score it is added to.
 */
const EXAMPLE_WEIGHT = 3;

/** Every field at zero, in one object shape: per-field sums are added in the hot path. */
function noFieldScores(): Record<Field, number> {
  return { name: 0, title: 0, triggers: 0, contextTriggers: 0, description: 0, capabilities: 0, domain: 0, examples: 0, body: 0 };
}

/** The `limit` best of `agents` by score, ties to the lower index, by insertion into a short sorted list. */
function topAgents(agents: readonly number[], scores: Float64Array, limit: number): number[] {
  const best: number[] = [];
  for (const agent of agents) {
    const score = scores[agent];
    if (best.length === limit) {
      const last = best[limit - 1];
      if (score < scores[last] || (score === scores[last] && agent > last)) continue;
      best.pop();
    }
    let at = best.length;
    while (at > 0 && (scores[best[at - 1]] < score || (scores[best[at - 1]] === score && best[at - 1] > agent))) at--;
    best.splice(at, 0, agent);
  }
  return best;
}

/**
 * Scores every agent in one dense pass (BM25F over fields plus nearest-example similarity),
 * then details only the best `limit`: the hot path allocates nothing per agent.
 */
export class EvidenceCollector {
  readonly #index: AgentIndex;
  readonly #examples: ExampleIndex;
  readonly #phrases: TriggerPhrases;
  readonly #scores: Float64Array;

  constructor(index: AgentIndex, examples: ExampleIndex, phrases: TriggerPhrases, agentCount: number) {
    this.#index = index;
    this.#examples = examples;
    this.#phrases = phrases;
    this.#scores = new Float64Array(agentCount);
  }

  /** `learned`: an index of recorded successful requests, read like the agents' examples. */
  collect(text: string, limit: number, learned?: ExampleIndex): RequestEvidence {
    const scores = this.#scores;
    scores.fill(0);
    const touched: number[] = [];
    const queryTerms = this.#index.queryTerms(text);
    let requestIdf = 0;
    for (const { term, weight, mass } of queryTerms) {
      const idf = this.#index.idf.get(term);
      // Unknown words weigh half an unseen term: identifiers and names in long requests are common.
      requestIdf += (idf ?? this.#index.unseenIdf * 0.5) * mass;
      const postings = this.#index.postings.get(term);
      if (postings === undefined) continue;
      const { agents, weights } = postings;
      for (let i = 0; i < agents.length; i++) {
        const agent = agents[i];
        if (scores[agent] === 0) touched.push(agent);
        scores[agent] += weights[i] * weight;
      }
    }
    const nearest = this.#examples.nearest(text);
    for (const [agent, match] of learned?.nearest(text) ?? []) {
      if (match.similarity >= LEARNED_MIN_SIMILARITY && match.similarity > (nearest.get(agent)?.similarity ?? 0)) nearest.set(agent, match);
    }
    for (const [agent, match] of nearest) {
      if (scores[agent] === 0) touched.push(agent);
      scores[agent] += EXAMPLE_WEIGHT * match.similarity * requestIdf;
    }
    // Partial trigger phrases and anti-triggers are discounted only for the agents detailed,
    // best first by the undiscounted score: a discount never raises a score, so once the last
    // agent detailed scores (undiscounted) no more than the limit-th best discounted one, no
    // agent left out can enter. The pool widens until then, which is rarely past `limit`.
    const request: DetailedRequest = {
      queryTerms,
      lists: queryTerms.map(({ term }) => this.#index.postings.get(term)),
      idfs: queryTerms.map(({ term }) => this.#index.idf.get(term) ?? 0),
      terms: new Set(queryTerms.map(({ term }) => term)),
      requestIdf,
    };
    const detail = (agent: number) => this.#detail(agent, scores[agent], request, nearest.get(agent));
    let pool = topAgents(touched, scores, limit);
    const detailed = pool.map(detail);
    for (;;) {
      detailed.sort((a, b) => b.score - a.score || a.agent - b.agent);
      if (pool.length < limit || pool.length === touched.length || scores[pool[pool.length - 1]] <= detailed[limit - 1].score) break;
      const wider = topAgents(touched, scores, 2 * pool.length);
      detailed.push(...wider.slice(pool.length).map(detail));
      pool = wider;
    }
    return { ranked: detailed.slice(0, limit), requestIdf };
  }

  /** The same sums as `collect`, per field and per word, for one agent, less its partial trigger phrases and anti-triggers. */
  #detail(agent: number, score: number, request: DetailedRequest, match: ExampleMatch | undefined): Evidence {
    const { queryTerms, lists, idfs, requestIdf } = request;
    const byField = noFieldScores();
    const terms: TermMatch[] = [];
    let matchedIdf = 0;
    let partialPhrases = 0;
    for (let t = 0; t < queryTerms.length; t++) {
      const list = lists[t];
      const at = list === undefined ? -1 : postingIndex(list, agent);
      if (at < 0) continue;
      const { term, word, weight: meant } = queryTerms[t];
      const full = list!.weights[at] * meant;
      const lostToTriggers = this.#partialPhrase(agent, 'triggers', list!.triggerShares[at], full, term, request.terms);
      const lostToContext = this.#partialPhrase(agent, 'contextTriggers', list!.contextTriggerShares[at], full, term, request.terms);
      const weight = full - lostToTriggers - lostToContext;
      partialPhrases += lostToTriggers;
      partialPhrases += lostToContext;
      matchedIdf += idfs[t] * meant;
      const field = postingField(list!, at);
      byField[field] += weight;
      terms.push({ word, field, weight });
    }
    if (match !== undefined) byField.examples += EXAMPLE_WEIGHT * match.similarity * requestIdf;
    const antiTrigger = this.#phrases.antiTriggerIn(agent, request.terms);
    if (antiTrigger === undefined) return { agent, score: score - partialPhrases, matchedIdf, byField, terms, example: match?.example };
    for (const field of Object.keys(byField) as Field[]) byField[field] *= ANTI_TRIGGER_FACTOR;
    const weakened = terms.map((term) => ({ ...term, weight: term.weight * ANTI_TRIGGER_FACTOR }));
    return { agent, score: (score - partialPhrases) * ANTI_TRIGGER_FACTOR, matchedIdf, byField, terms: weakened, example: match?.example, antiTrigger };
  }

  /** The weight a word loses through one phrase field, `share` of `weight` being that field's. */
  #partialPhrase(agent: number, field: PhraseField, share: number, weight: number, term: string, requestTerms: ReadonlySet<string>): number {
    if (share === 0) return 0;
    return weight * share * PARTIAL_PHRASE_DISCOUNT * (1 - this.#phrases.coverage(agent, field, term, requestTerms));
  }
}

/** One request as every detailed agent reads it: its terms' posting lists looked up once. */
interface DetailedRequest {
  readonly queryTerms: readonly QueryTerm[];
  /** lists[i]: the postings of queryTerms[i], if any agent has the term; idfs[i] its idf. */
  readonly lists: readonly (PostingList | undefined)[];
  readonly idfs: readonly number[];
  /** The request's terms (typos corrected), for phrase coverage. */
  readonly terms: ReadonlySet<string>;
  readonly requestIdf: number;
}
