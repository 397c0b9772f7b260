import type { Agent } from '../../../registry/agent.ts';
import { terms } from '../../text/tokens.ts';
import { asProse, type Field } from './agent-index.ts';

/** The fields whose entries are phrases, each naming one situation whole. */
export type PhraseField = Extract<Field, 'triggers' | 'contextTriggers'>;

export function isPhraseField(field: Field): field is PhraseField {
  return field === 'triggers' || field === 'contextTriggers';
}

/** Each term of an agent's phrases in one field → the phrases (as terms) holding it. */
type PhrasesByTerm = ReadonlyMap<string, readonly (readonly string[])[]>;

/**
 * Agents' trigger phrases as terms, for telling a phrase present in a request from one of
 * its words met elsewhere: "make a pull request" is the job of a PR agent, "pull together
 * the files" is not. Read lazily, per agent: a request details only its best few agents.
 */
export class TriggerPhrases {
  readonly #agents: readonly Agent[];
  readonly #byAgent = new Map<number, Record<PhraseField, PhrasesByTerm>>();

  constructor(agents: readonly Agent[]) {
    this.#agents = agents;
  }

  /**
   * The largest share of one of `agent`'s `field` phrases holding `term` whose terms the
   * request has; 1 when no phrase holds it (the word came from a phrase's other form).
   */
  coverage(agent: number, field: PhraseField, term: string, requestTerms: ReadonlySet<string>): number {
    const phrases = this.#phrases(agent)[field].get(term);
    if (phrases === undefined) return 1;
    let best = 0;
    for (const phrase of phrases) {
      let present = 0;
      for (const phraseTerm of phrase) if (requestTerms.has(phraseTerm)) present++;
      if (present / phrase.length > best) best = present / phrase.length;
    }
    return best;
  }

  #phrases(agent: number): Record<PhraseField, PhrasesByTerm> {
    let phrases = this.#byAgent.get(agent);
    if (phrases === undefined) {
      const { triggers, contextTriggers } = this.#agents[agent];
      phrases = { triggers: byTerm(triggers), contextTriggers: byTerm(contextTriggers) };
      this.#byAgent.set(agent, phrases);
    }
    return phrases;
  }
}

function byTerm(texts: readonly string[]): PhrasesByTerm {
  const out = new Map<string, string[][]>();
  for (const text of texts) {
    const phrase = terms(asProse(text));
    for (const term of new Set(phrase)) {
      const holding = out.get(term);
      if (holding === undefined) out.set(term, [phrase]);
      else holding.push(phrase);
    }
  }
  return out;
}
