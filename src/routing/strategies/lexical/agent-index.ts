import type { Agent } from '../../../registry/agent.ts';
import { stem, terms, words } from '../../text/tokens.ts';
import { TypoIndex } from '../../text/typo-index.ts';

/** The agent fields scored separately, with their BM25F weights. */
export const FIELD_WEIGHTS = {
  name: 2.5,
  title: 2.0,
  triggers: 3.0,
  contextTriggers: 1.5,
  description: 1.5,
  capabilities: 1.0,
  domain: 0.5,
  examples: 1.5,
} as const;
export type Field = keyof typeof FIELD_WEIGHTS;
export const FIELDS = Object.keys(FIELD_WEIGHTS) as Field[];

const K1 = 4;
const B = 0.5;

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
  };
}

/** One phrase an agent declares, as stems, with the field it came from: evidence to cite. */
export interface Phrase {
  readonly field: Field;
  readonly text: string;
  readonly terms: readonly string[];
}

/** Per-term weight of one agent: the BM25F-saturated, field-weighted frequency times idf. */
export interface Posting {
  readonly agent: number;
  readonly weight: number;
  /** The field contributing most to this term, for the explanation. */
  readonly field: Field;
}

/**
 * The lexical index of a registry: term → postings over agents, document frequencies,
 * and the vocabulary for typo correction. Built once per registry version.
 */
export class AgentIndex {
  readonly agents: readonly Agent[];
  readonly postings = new Map<string, Posting[]>();
  readonly idf = new Map<string, number>();
  /** Highest idf a term can have: used for words the registry never uses. */
  readonly maxIdf: number;
  readonly phrases: readonly (readonly Phrase[])[];
  readonly typos: TypoIndex;
  /** Surface word → its stem, for the vocabulary of every agent text. */
  readonly #vocabulary = new Map<string, number>();

  constructor(agents: readonly Agent[]) {
    this.agents = agents;
    const n = agents.length;
    const fieldTerms = agents.map((agent) => {
      const texts = fieldTexts(agent);
      const perField = {} as Record<Field, string[]>;
      for (const field of FIELDS) perField[field] = texts[field].flatMap((text) => terms(text.replaceAll('_', ' ')));
      return perField;
    });
    this.phrases = agents.map((agent) => {
      const texts = fieldTexts(agent);
      const out: Phrase[] = [];
      for (const field of ['triggers', 'contextTriggers', 'capabilities', 'examples'] as const) {
        for (const text of texts[field]) {
          const stems = terms(text.replaceAll('_', ' '));
          if (stems.length > 0) out.push({ field, text, terms: stems });
        }
      }
      return out;
    });

    const averageLength = {} as Record<Field, number>;
    for (const field of FIELDS) {
      averageLength[field] = Math.max(1, fieldTerms.reduce((sum, f) => sum + f[field].length, 0) / Math.max(1, n));
    }
    const documentFrequency = new Map<string, number>();
    const weighted = fieldTerms.map((perField) => {
      const tf = new Map<string, { value: number; field: Field; best: number }>();
      for (const field of FIELDS) {
        const length = perField[field].length;
        const norm = 1 - B + (B * length) / averageLength[field];
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
      for (const term of tf.keys()) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
      return tf;
    });
    for (const [term, df] of documentFrequency) this.idf.set(term, Math.log(1 + (n - df + 0.5) / (df + 0.5)));
    this.maxIdf = Math.log(1 + (n + 0.5) / 0.5);
    weighted.forEach((tf, agent) => {
      for (const [term, { value, field }] of tf) {
        const saturated = (value * (K1 + 1)) / (K1 + value);
        const list = this.postings.get(term) ?? [];
        list.push({ agent, weight: saturated * this.idf.get(term)!, field });
        this.postings.set(term, list);
      }
    });

    for (const agent of agents) {
      const texts = fieldTexts(agent);
      const seen = new Set<string>();
      for (const field of FIELDS) {
        for (const text of texts[field]) for (const word of words(text.replaceAll('_', ' '))) seen.add(word);
      }
      for (const word of seen) this.#vocabulary.set(word, (this.#vocabulary.get(word) ?? 0) + 1);
    }
    this.typos = new TypoIndex(this.#vocabulary);
  }

  /** Query terms: stems, with unknown words typo-corrected to a vocabulary word when one is close. */
  queryTerms(text: string): { term: string; corrected: boolean }[] {
    const out: { term: string; corrected: boolean }[] = [];
    const seen = new Set<string>();
    for (const word of words(text)) {
      const stemmed = terms(word)[0];
      if (stemmed === undefined) continue;
      let term = stemmed;
      let corrected = false;
      if (!this.postings.has(term)) {
        const fixed = this.typos.correct(word);
        if (fixed !== undefined) {
          term = stem(fixed);
          corrected = true;
        }
      }
      if (seen.has(term)) continue;
      seen.add(term);
      out.push({ term, corrected });
    }
    return out;
  }
}
