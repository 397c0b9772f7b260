import type { Agent } from '../../../registry/agent.ts';
import { stem, terms, words } from '../../text/tokens.ts';
import { TypoIndex } from '../../text/typo-index.ts';

/**
 * The agent fields scored separately, with their BM25F weights (tuned on the dev sets):
 * what an agent is called and declares outweighs what it says about itself, and its
 * system prompt (`body`) is only a hint.
 */
export const FIELD_WEIGHTS = {
  name: 2.5,
  title: 2.0,
  triggers: 3.0,
  contextTriggers: 1.5,
  description: 1.5,
  capabilities: 1.0,
  domain: 0.5,
  examples: 1.5,
  body: 0.2,
} as const;
export type Field = keyof typeof FIELD_WEIGHTS;
const FIELDS = Object.keys(FIELD_WEIGHTS) as Field[];

/** BM25 saturation and length normalisation. A high k1 keeps field weights apart. */
const K1 = 4;
const B = 0.5;

/**
 * Only the start of a definition's body is indexed: it states the agent's job, while the
 * long tail (workflows, templates, checklists) adds noise and index-building time.
 */
const BODY_WORDS = 600;

function firstWords(text: string, count: number): string {
  let at = -1;
  for (let i = 0; i < count; i++) {
    at = text.indexOf(' ', at + 1);
    if (at < 0) return text;
  }
  return text.slice(0, at);
}

function fieldTexts(agent: Agent): Record<Field, readonly string[]> {
  return {
    name: [agent.name.replace(/^agent-/, '')],
    title: [agent.title],
    triggers: agent.triggers,
    contextTriggers: agent.contextTriggers,
    description: [agent.description],
    capabilities: agent.capabilities,
    domain: [agent.domain === 'general' ? '' : agent.domain],
    examples: agent.examples,
    body: [firstWords(agent.body, BODY_WORDS)],
  };
}

/** snake_case capabilities and domains read as words. */
const asProse = (text: string) => text.replaceAll('_', ' ');

/** One agent's weight for one term: saturated field-weighted frequency × idf. */
export interface Posting {
  readonly agent: number;
  readonly weight: number;
  /** The field contributing most, cited in the reason. */
  readonly field: Field;
}

export interface QueryTerm {
  readonly term: string;
  /** The request's word, as typed. */
  readonly word: string;
  /** The word was not in the vocabulary and was read as a close vocabulary word. */
  readonly corrected: boolean;
}

/**
 * The lexical index of a registry (BM25F): term → postings over agents, inverse document
 * frequencies, and the vocabulary for typo correction. Built once per registry version.
 */
/** Postings of one term in parallel typed arrays: the hot loop reads them without objects. */
export interface PostingList {
  readonly agents: Int32Array;
  readonly weights: Float64Array;
}

export class AgentIndex {
  readonly postings = new Map<string, PostingList>();
  /** The same postings keyed by term and agent, for explaining a few agents. */
  readonly #byAgent = new Map<string, Map<number, Posting>>();
  readonly idf = new Map<string, number>();
  /** The idf of a term no agent uses: words the registry has never seen. */
  readonly unseenIdf: number;
  readonly #typos: TypoIndex;

  constructor(agents: readonly Agent[]) {
    const n = agents.length;
    const texts = agents.map(fieldTexts);
    const fieldTerms = texts.map((byField) => {
      const perField = {} as Record<Field, string[]>;
      for (const field of FIELDS) perField[field] = byField[field].flatMap((text) => terms(asProse(text)));
      return perField;
    });
    const averageLength = {} as Record<Field, number>;
    for (const field of FIELDS) {
      averageLength[field] = Math.max(1, fieldTerms.reduce((sum, f) => sum + f[field].length, 0) / Math.max(1, n));
    }

    // Document frequency counts the routing fields only: a word every system prompt uses
    // ("context", "manager") keeps its weight where an agent's description uses it.
    const documentFrequency = new Map<string, number>();
    const bodyFrequency = new Map<string, number>();
    const frequencies = fieldTerms.map((perField) => {
      const tf = new Map<string, { value: number; field: Field; best: number }>();
      for (const field of FIELDS) {
        const norm = 1 - B + (B * perField[field].length) / averageLength[field];
        const counts = new Map<string, number>();
        for (const term of perField[field]) counts.set(term, (counts.get(term) ?? 0) + 1);
        for (const [term, count] of counts) {
          const contribution = (FIELD_WEIGHTS[field] * count) / norm;
          const entry = tf.get(term) ?? { value: 0, field, best: 0 };
          entry.value += contribution;
          if (contribution > entry.best) {
            entry.best = contribution;
            entry.field = field;
          }
          tf.set(term, entry);
        }
      }
      const routing = new Set(FIELDS.filter((field) => field !== 'body').flatMap((field) => perField[field]));
      for (const term of tf.keys()) {
        const counter = routing.has(term) ? documentFrequency : bodyFrequency;
        counter.set(term, (counter.get(term) ?? 0) + 1);
      }
      return tf;
    });
    const idf = (df: number) => Math.log(1 + (n - df + 0.5) / (df + 0.5));
    for (const [term, df] of bodyFrequency) this.idf.set(term, idf(df));
    for (const [term, df] of documentFrequency) this.idf.set(term, idf(df));
    this.unseenIdf = idf(0);

    frequencies.forEach((tf, agent) => {
      for (const [term, { value, field }] of tf) {
        const saturated = (value * (K1 + 1)) / (K1 + value);
        const posting = { agent, weight: saturated * this.idf.get(term)!, field };
        let byAgent = this.#byAgent.get(term);
        if (byAgent === undefined) this.#byAgent.set(term, (byAgent = new Map()));
        byAgent.set(agent, posting);
      }
    });
    for (const [term, byAgent] of this.#byAgent) {
      const list = [...byAgent.values()];
      this.postings.set(term, {
        agents: Int32Array.from(list, (posting) => posting.agent),
        weights: Float64Array.from(list, (posting) => posting.weight),
      });
    }

    // Typos are corrected towards the routing fields' words only: a body's thousands of
    // words would make far more false corrections (and a larger index) than real ones.
    const vocabulary = new Map<string, number>();
    for (const byField of texts) {
      const seen = new Set<string>();
      for (const field of FIELDS) {
        if (field === 'body') continue;
        for (const text of byField[field]) for (const word of words(asProse(text))) seen.add(word);
      }
      for (const word of seen) vocabulary.set(word, (vocabulary.get(word) ?? 0) + 1);
    }
    this.#typos = new TypoIndex(vocabulary);
  }

  postingOf(term: string, agent: number): Posting | undefined {
    return this.#byAgent.get(term)?.get(agent);
  }

  /** The request's distinct terms; an unknown word is read as the closest vocabulary word, if one is close. */
  queryTerms(text: string): QueryTerm[] {
    const out: QueryTerm[] = [];
    const seen = new Set<string>();
    for (const word of words(text)) {
      const stemmed = terms(word)[0];
      if (stemmed === undefined) continue;
      let term = stemmed;
      let corrected = false;
      if (!this.postings.has(term)) {
        const fixed = this.#typos.correct(word);
        if (fixed !== undefined) {
          term = stem(fixed);
          corrected = true;
        }
      }
      if (seen.has(term)) continue;
      seen.add(term);
      out.push({ term, word, corrected });
    }
    return out;
  }
}
