import type { Agent } from '../../../registry/agent.ts';
import { asProse, terms } from '../../text/tokens.ts';
import type { PhraseField } from './agent-index.ts';

/** Each distinct term of an agent's phrases in one field → the phrases (distinct terms) holding it. */
type PhrasesByTerm = ReadonlyMap<string, readonly (readonly string[])[]>;

/** An agent's phrases, as its terms index them. */
interface AgentPhrases extends Record<PhraseField, PhrasesByTerm> {
  /** Each anti-trigger as written, with its distinct terms. */
  readonly antiTriggers: readonly { readonly text: string; readonly terms: readonly string[] }[];
}

/**
 * Agents' trigger phrases as terms, for telling a phrase present in a request from one of
 * its words met elsewhere: "make a pull request" is the job of a PR agent, "pull together
 * the files" is not; and their anti-triggers, phrases that argue against them. Read lazily,
 * per agent: a request details only its best few agents.
 */
export class TriggerPhrases {
  readonly #agents: readonly Agent[];
  readonly #byAgent = new Map<number, AgentPhrases>();

  constructor(agents: readonly Agent[]) {
    this.#agents = agents;
  }

  /**
   * The largest share of the distinct terms of one of `agent`'s `field` phrases holding
   * `term` that the request has; 0 when no phrase holds it.
   */
  coverage(agent: number, field: PhraseField, term: string, requestTerms: ReadonlySet<string>): number {
    let best = 0;
    for (const phrase of this.#phrases(agent)[field].get(term) ?? []) {
      let present = 0;
      for (const phraseTerm of phrase) if (requestTerms.has(phraseTerm)) present++;
      if (present / phrase.length > best) best = present / phrase.length;
    }
    return best;
  }

  /** The first of `agent`'s anti-triggers whose every term the request has, as written. */
  antiTriggerIn(agent: number, requestTerms: ReadonlySet<string>): string | undefined {
    return this.#phrases(agent).antiTriggers.find((phrase) => phrase.terms.every((term) => requestTerms.has(term)))?.text;
  }

  #phrases(agent: number): AgentPhrases {
    let phrases = this.#byAgent.get(agent);
    if (phrases === undefined) {
      const { triggers, contextTriggers, antiTriggers } = this.#agents[agent];
      phrases = {
        triggers: byTerm(triggers),
        contextTriggers: byTerm(contextTriggers),
        antiTriggers: antiTriggers
          .map((text) => ({ text, terms: distinctTerms(text) }))
          .filter((phrase) => phrase.terms.length > 0),
      };
      this.#byAgent.set(agent, phrases);
    }
    return phrases;
  }
}

const distinctTerms = (text: string) => [...new Set(terms(asProse(text)))];

function byTerm(texts: readonly string[]): PhrasesByTerm {
  const out = new Map<string, string[][]>();
  for (const text of texts) {
    const phrase = distinctTerms(text);
    for (const term of phrase) {
      const holding = out.get(term);
      if (holding === undefined) out.set(term, [phrase]);
      else holding.push(phrase);
    }
  }
  return out;
}
