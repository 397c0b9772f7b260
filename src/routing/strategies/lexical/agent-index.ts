import type { Agent } from '../../../registry/agent.ts';
import { asProse, fullWord, stem, termOf, terms, words } from '../../text/tokens.ts';
import { KIND_WORDS } from '../../text/product-kinds.ts';
import { PHRASAL_VERBS } from '../../text/phrasal-verbs.ts';
import { followUpStart } from '../../text/needs.ts';
import { TypoIndex } from '../../text/typo-index.ts';
import { float32s, float64s, int32s, isRecord, listOffsets, strings } from './snapshot-data.ts';

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
const BODY_FIELD = FIELDS.indexOf('body');

/** The fields whose entries are phrases, each naming one situation whole (trigger-phrases.ts). */
export type PhraseField = Extract<Field, 'triggers' | 'contextTriggers'>;

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

export interface QueryTerm {
  readonly term: string;
  /** The request's word (or two words), as typed. */
  readonly word: string;
  /**
   * How much of the term's weight the request means, 0..1: less for a word read as a close
   * vocabulary word (a typo corrected), and for one that only a follow-up need holds.
   */
  readonly weight: number;
  /**
   * The term's share of the request's idf mass: its follow-up weight, or 0 for two words
   * read as one, whose words are counted already.
   */
  readonly mass: number;
}

/** A corrected typo is likely, not certain, to be the word meant. */
const TYPO_WEIGHT = 0.8;
/** The shortest part of a word written as two: shorter ones ("pay", "web") split too much by chance ("slides"). */
const MIN_PART = 4;
/** A word only a request's follow-up need holds ("…, and then containerize it") counts this much. */
const FOLLOW_UP_WEIGHT = 0.5;
/** Objects that may stand between a phrasal verb and its particle ("look it up"). */
const OBJECT_PRONOUNS: ReadonlySet<string> = new Set(['it', 'them', 'this', 'that', 'these', 'those', 'everything']);
/** The kind of a product the request names ("stripe" → payment) counts this much of the name. */
const KIND_WEIGHT = 0.5;

/**
 * Postings of one term in parallel typed arrays: the hot loop reads them without objects.
 * A posting is one agent's weight for the term: saturated field-weighted frequency × idf.
 */
export interface PostingList {
  /** Ascending. */
  readonly agents: Int32Array;
  readonly weights: Float64Array;
  /** The field contributing most to each posting, as its index in FIELDS. */
  readonly fields: Uint8Array;
  /** Each posting's share of weight from the triggers and from the context triggers. */
  readonly triggerShares: Float32Array;
  readonly contextTriggerShares: Float32Array;
}

/** A built index as JSON data: what a later process restores instead of building it again. */
export interface AgentIndexSnapshot {
  readonly terms: string[];
  /** idf[i]: the idf of terms[i]. */
  readonly idf: number[];
  /** The postings of terms[i] are entries offsets[i]..offsets[i + 1] of agents, weights and fields. */
  readonly offsets: number[];
  readonly agents: number[];
  readonly weights: number[];
  readonly fields: number[];
  readonly triggerShares: number[];
  readonly contextTriggerShares: number[];
  readonly unseenIdf: number;
  /** The typo vocabulary: words[i] is used by wordAgents[i] agents. */
  readonly words: string[];
  readonly wordAgents: number[];
  /** Phrasal verbs the agents' routing fields write themselves ("look up a word"). */
  readonly phrasalVerbs: string[];
}

/**
 * The lexical index of a registry (BM25F): term → postings over agents, inverse document
 * frequencies, and the vocabulary for typo correction. Built once per registry version.
 */
export class AgentIndex {
  readonly postings: ReadonlyMap<string, PostingList>;
  readonly idf: ReadonlyMap<string, number>;
  /** The idf of a term no agent uses: words the registry has never seen. */
  readonly unseenIdf: number;
  readonly #typos: TypoIndex;
  /** Phrasal verbs the agents write themselves: read as written, not as the verbs they mean. */
  readonly #writtenPhrasalVerbs: ReadonlySet<string>;

  private constructor(
    postings: ReadonlyMap<string, PostingList>,
    idf: ReadonlyMap<string, number>,
    unseenIdf: number,
    typos: TypoIndex,
    writtenPhrasalVerbs: ReadonlySet<string>,
  ) {
    this.postings = postings;
    this.idf = idf;
    this.unseenIdf = unseenIdf;
    this.#typos = typos;
    this.#writtenPhrasalVerbs = writtenPhrasalVerbs;
  }

  static build(agents: readonly Agent[]): AgentIndex {
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
      const tf = new Map<string, { value: number; field: Field; best: number; triggers: number; contextTriggers: number }>();
      for (const field of FIELDS) {
        const norm = 1 - B + (B * perField[field].length) / averageLength[field];
        const counts = new Map<string, number>();
        for (const term of perField[field]) counts.set(term, (counts.get(term) ?? 0) + 1);
        for (const [term, count] of counts) {
          const contribution = (FIELD_WEIGHTS[field] * count) / norm;
          const entry = tf.get(term) ?? { value: 0, field, best: 0, triggers: 0, contextTriggers: 0 };
          entry.value += contribution;
          if (field === 'triggers' || field === 'contextTriggers') entry[field] += contribution;
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
    const idfOf = (df: number) => Math.log(1 + (n - df + 0.5) / (df + 0.5));
    const idf = new Map<string, number>();
    for (const [term, df] of bodyFrequency) idf.set(term, idfOf(df));
    for (const [term, df] of documentFrequency) idf.set(term, idfOf(df));

    // Agents are visited in order, so every list comes out ascending.
    type Lists = { agents: number[]; weights: number[]; fields: number[]; triggerShares: number[]; contextTriggerShares: number[] };
    const lists = new Map<string, Lists>();
    frequencies.forEach((tf, agent) => {
      for (const [term, { value, field, triggers, contextTriggers }] of tf) {
        const saturated = (value * (K1 + 1)) / (K1 + value);
        let list = lists.get(term);
        if (list === undefined) lists.set(term, (list = { agents: [], weights: [], fields: [], triggerShares: [], contextTriggerShares: [] }));
        list.agents.push(agent);
        list.weights.push(saturated * idf.get(term)!);
        list.fields.push(FIELDS.indexOf(field));
        list.triggerShares.push(triggers / value);
        list.contextTriggerShares.push(contextTriggers / value);
      }
    });
    const postings = new Map<string, PostingList>();
    for (const [term, list] of lists) {
      postings.set(term, {
        agents: Int32Array.from(list.agents),
        weights: Float64Array.from(list.weights),
        fields: Uint8Array.from(list.fields),
        triggerShares: Float32Array.from(list.triggerShares),
        contextTriggerShares: Float32Array.from(list.contextTriggerShares),
      });
    }

    // Typos are corrected towards the routing fields' words only: a body's thousands of
    // words would make far more false corrections (and a larger index) than real ones.
    const vocabulary = new Map<string, number>();
    const phrasalVerbs = new Set<string>();
    for (const byField of texts) {
      const seen = new Set<string>();
      for (const field of FIELDS) {
        if (field === 'body') continue;
        for (const text of byField[field]) {
          const list = words(asProse(text));
          list.forEach((word, i) => {
            seen.add(word);
            if (PHRASAL_VERBS.get(word)?.has(list[i + 1])) phrasalVerbs.add(`${word} ${list[i + 1]}`);
          });
        }
      }
      for (const word of seen) vocabulary.set(word, (vocabulary.get(word) ?? 0) + 1);
    }
    return new AgentIndex(postings, idf, idfOf(0), new TypoIndex(vocabulary), phrasalVerbs);
  }

  snapshot(): AgentIndexSnapshot {
    const snapshot: AgentIndexSnapshot = {
      terms: [],
      idf: [],
      offsets: [0],
      agents: [],
      weights: [],
      fields: [],
      triggerShares: [],
      contextTriggerShares: [],
      unseenIdf: this.unseenIdf,
      words: [...this.#typos.vocabulary.keys()],
      wordAgents: [...this.#typos.vocabulary.values()],
      phrasalVerbs: [...this.#writtenPhrasalVerbs],
    };
    for (const [term, list] of this.postings) {
      snapshot.terms.push(term);
      snapshot.idf.push(this.idf.get(term)!);
      for (let i = 0; i < list.agents.length; i++) {
        snapshot.agents.push(list.agents[i]);
        snapshot.weights.push(list.weights[i]);
        snapshot.fields.push(list.fields[i]);
        snapshot.triggerShares.push(list.triggerShares[i]);
        snapshot.contextTriggerShares.push(list.contextTriggerShares[i]);
      }
      snapshot.offsets.push(snapshot.agents.length);
    }
    return snapshot;
  }

  /** The index a snapshot describes, or undefined when it is not a sound index over `agentCount` agents. */
  static restore(snapshot: unknown, agentCount: number): AgentIndex | undefined {
    if (!isRecord(snapshot) || typeof snapshot.unseenIdf !== 'number' || !Number.isFinite(snapshot.unseenIdf)) return undefined;
    const termList = strings(snapshot.terms);
    const idfs = float64s(snapshot.idf);
    const agents = int32s(snapshot.agents, 0, agentCount - 1);
    const weights = float64s(snapshot.weights);
    const fields = int32s(snapshot.fields, 0, FIELDS.length - 1);
    const triggerShares = shares(snapshot.triggerShares);
    const contextTriggerShares = shares(snapshot.contextTriggerShares);
    const wordList = strings(snapshot.words);
    const wordAgents = int32s(snapshot.wordAgents, 1, agentCount);
    const phrasalVerbs = strings(snapshot.phrasalVerbs);
    if (!termList || !idfs || !agents || !weights || !fields || !triggerShares || !contextTriggerShares || !wordList || !wordAgents || !phrasalVerbs) {
      return undefined;
    }
    const offsets = listOffsets(snapshot.offsets, termList.length, agents.length);
    if (!offsets || idfs.length !== termList.length) return undefined;
    if ([weights, fields, triggerShares, contextTriggerShares].some((values) => values.length !== agents.length)) return undefined;
    if (wordAgents.length !== wordList.length) return undefined;

    const fieldIndexes = Uint8Array.from(fields);
    const postings = new Map<string, PostingList>();
    const idf = new Map<string, number>();
    for (let i = 0; i < termList.length; i++) {
      const start = offsets[i];
      const end = offsets[i + 1];
      for (let j = start + 1; j < end; j++) if (agents[j] <= agents[j - 1]) return undefined;
      postings.set(termList[i], {
        agents: agents.subarray(start, end),
        weights: weights.subarray(start, end),
        fields: fieldIndexes.subarray(start, end),
        triggerShares: triggerShares.subarray(start, end),
        contextTriggerShares: contextTriggerShares.subarray(start, end),
      });
      idf.set(termList[i], idfs[i]);
    }
    const vocabulary = new Map<string, number>();
    wordList.forEach((word, i) => vocabulary.set(word, wordAgents[i]));
    if (postings.size !== termList.length || vocabulary.size !== wordList.length) return undefined;
    return new AgentIndex(postings, idf, snapshot.unseenIdf, new TypoIndex(vocabulary), new Set(phrasalVerbs));
  }

  /**
   * The request's distinct terms; an unknown word is read as the closest vocabulary word, if
   * one is close, and one that joins two words the agents write apart ("dockerfile") as those
   * two. Two adjacent content words that the agents write as one ("front end", "cron job")
   * also count as that word, beside their own terms. Words of a follow-up need
   * weigh less (FOLLOW_UP_WEIGHT) unless the first need holds them too. A product the request
   * names ("stripe") also counts, at KIND_WEIGHT, as the words of its kind ("payment"); a
   * phrasal verb ("pull up") counts as the verbs it means instead of its own words.
   */
  queryTerms(text: string): QueryTerm[] {
    const out: QueryTerm[] = [];
    const seen = new Set<string>();
    const kinds: QueryTerm[] = [];
    const followUp = followUpStart(text);
    if (followUp < 0) this.#addTerms(text, 1, out, seen, kinds);
    else {
      this.#addTerms(text.slice(0, followUp), 1, out, seen, kinds);
      this.#addTerms(text.slice(followUp), FOLLOW_UP_WEIGHT, out, seen, kinds);
    }
    // After every word, so that a kind the request also writes out counts at its own weight.
    for (const kind of kinds) {
      if (seen.has(kind.term)) continue;
      seen.add(kind.term);
      out.push(kind);
    }
    return out;
  }

  #addTerms(text: string, weight: number, out: QueryTerm[], seen: Set<string>, kinds: QueryTerm[]): void {
    const written = this.#typos.vocabulary;
    let previous: string | undefined;
    const list = words(text);
    for (let i = 0; i < list.length; i++) {
      const word = list[i];
      // A pronoun object may stand between verb and particle: "figure it out", "pull them up".
      const particleAt = OBJECT_PRONOUNS.has(list[i + 1]) ? i + 2 : i + 1;
      if (particleAt < list.length && this.#addPhrasalVerb(word, list[particleAt], weight, out, seen)) {
        i = particleAt;
        previous = undefined;
        continue;
      }
      const stemmed = termOf(word);
      if (previous !== undefined && stemmed !== undefined && written.has(previous + word)) {
        const joined = stem(previous + word);
        if (!seen.has(joined)) {
          seen.add(joined);
          out.push({ term: joined, word: `${previous} ${word}`, weight, mass: 0 });
        }
      }
      previous = stemmed === undefined ? undefined : word;
      if (stemmed === undefined) continue;
      let term = stemmed;
      let termWeight = weight;
      // Known from bodies only ("Dockerfile" in a system prompt): its parts, where the routing
      // fields write them ("Docker" in the description), count beside it. Length first: it is cheap.
      if (word.length >= 2 * MIN_PART && this.#bodyOnly(term)) this.#addParts(this.#split(word), weight, 0, out, seen);
      if (!this.postings.has(term)) {
        const parts = this.#split(word);
        if (parts !== undefined) {
          this.#addParts(parts, weight, weight, out, seen);
          continue;
        }
        const fixed = this.#typos.correct(word);
        if (fixed !== undefined) {
          term = stem(fixed);
          termWeight *= TYPO_WEIGHT;
        }
      }
      for (const kindWord of KIND_WORDS.get(fullWord(word)) ?? []) {
        const kindTerm = termOf(kindWord);
        if (kindTerm !== undefined && this.postings.has(kindTerm)) {
          kinds.push({ term: kindTerm, word: `${word} (${kindWord})`, weight: weight * KIND_WEIGHT, mass: 0 });
        }
      }
      if (seen.has(term)) continue;
      seen.add(term);
      out.push({ term, word, weight: termWeight, mass: weight });
    }
  }

  /**
   * `verb particle` read as the verbs it means ("pull up" → retrieve, search), those the
   * registry knows, in place of its own words; false, and nothing added, when it is no
   * phrasal verb, the registry writes it itself (as two words or one), or knows none of its
   * verbs. The verbs share the idf mass of the request's one word.
   */
  #addPhrasalVerb(verb: string, particle: string, weight: number, out: QueryTerm[], seen: Set<string>): boolean {
    const meanings = PHRASAL_VERBS.get(verb)?.get(particle);
    if (meanings === undefined) return false;
    // The registry's own wording wins: a dictionary agent's "look up a word", a fitness agent's "workout".
    if (this.#typos.vocabulary.has(verb + particle) || this.#writtenPhrasalVerbs.has(`${verb} ${particle}`)) return false;
    const known = meanings.flatMap((meaning) => {
      const term = termOf(meaning);
      return term !== undefined && this.postings.has(term) ? [{ meaning, term }] : [];
    });
    if (known.length === 0) return false;
    for (const { meaning, term } of known) {
      if (seen.has(term)) continue;
      seen.add(term);
      out.push({ term, word: `${verb} ${particle} (${meaning})`, weight, mass: weight / known.length });
    }
    return true;
  }

  #addParts(parts: readonly { word: string; term: string }[] | undefined, weight: number, mass: number, out: QueryTerm[], seen: Set<string>): void {
    for (const part of parts ?? []) {
      if (seen.has(part.term)) continue;
      seen.add(part.term);
      out.push({ term: part.term, word: part.word, weight, mass });
    }
  }

  /** Whether every agent that uses `term` uses it in its body only. */
  #bodyOnly(term: string): boolean {
    const list = this.postings.get(term);
    return list !== undefined && list.fields.every((field) => field === BODY_FIELD);
  }

  /**
   * The two words the agents write in their routing fields that `word` writes as one
   * ("dockerfile", "orderservice"), with their terms, if any: words as written, not stems,
   * or "examined" would be "exam" and the stem "in".
   */
  #split(word: string): [{ word: string; term: string }, { word: string; term: string }] | undefined {
    const written = this.#typos.vocabulary;
    for (let at = MIN_PART; at <= word.length - MIN_PART; at++) {
      const head = word.slice(0, at);
      const tail = word.slice(at);
      if (!written.has(head) || !written.has(tail)) continue;
      const headTerm = termOf(head);
      const tailTerm = termOf(tail);
      if (headTerm !== undefined && tailTerm !== undefined) return [{ word: head, term: headTerm }, { word: tail, term: tailTerm }];
    }
    return undefined;
  }
}

/** Shares of a weight: finite values in 0..1. */
function shares(value: unknown): Float32Array | undefined {
  const values = float32s(value);
  return values && values.every((share) => share >= 0 && share <= 1) ? values : undefined;
}

/** Where `agent` is in `list` (a binary search of its ascending agents), or -1. */
export function postingIndex(list: PostingList, agent: number): number {
  const { agents } = list;
  let low = 0;
  let high = agents.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    if (agents[middle] < agent) low = middle + 1;
    else if (agents[middle] > agent) high = middle - 1;
    else return middle;
  }
  return -1;
}

/** The field contributing most to posting `index` of `list`, cited in reasons. */
export function postingField(list: PostingList, index: number): Field {
  return FIELDS[list.fields[index]];
}
