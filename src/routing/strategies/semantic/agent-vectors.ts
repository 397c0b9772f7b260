import type { Agent, Registry } from '../../../registry/agent.ts';
import { SwitchboardError } from '../../../errors.ts';
import type { StrategyServices } from '../../strategy.ts';
import type { LearnedSnapshot } from '../../learned-examples.ts';
import { CLASSIFIER_VERSION, ExampleClassifier } from './example-classifier.ts';
import { describedByExamples } from '../shared.ts';
import { dot, VectorTable } from './vector-table.ts';

/** The agent-side texts that get a vector, by what they say about the agent. */
export const TEXT_KINDS = ['profile', 'trigger', 'capability', 'example', 'body', 'sentence'] as const;
export type TextKind = (typeof TEXT_KINDS)[number];

/** Longest profile text embedded: models truncate anyway, and the first sentences carry the job. */
const PROFILE_CHARS = 600;

/**
 * How much each kind's best similarity counts towards an agent's semantic score: a short
 * trigger or capability phrase matches loosely, so it counts a little less.
 */
const KIND_WEIGHT: Record<TextKind, number> = { profile: 1, trigger: 0.9, capability: 0.85, example: 1, body: 0.9, sentence: 1 };

/**
 * A description of several sentences is also embedded sentence by sentence: one vector of
 * the whole blurs what each sentence says ("use when … / invoke when …"), and a request
 * often matches one of them. Fragments shorter than a few words say too little.
 */
const SENTENCE_MIN_WORDS = 3;
/** At most this many, like the body's passages: a long description's first sentences carry the job. */
const SENTENCE_MAX = 8;
/** A full stop after these ends no sentence ("e.g. PostgreSQL"). */
const ABBREVIATION = /\b(?:e\.g|i\.e|etc|vs|incl|approx|cf)\.$/i;

function sentences(description: string): string[] {
  const parts: string[] = [];
  for (const piece of description.split(/(?<=[.!?])\s+|\s+(?=##)|\s+-\s+/)) {
    const last = parts.length - 1;
    if (last >= 0 && ABBREVIATION.test(parts[last])) parts[last] = `${parts[last]} ${piece}`;
    else parts.push(piece);
  }
  const kept = parts.map((part) => part.trim()).filter((part) => part.split(' ').length >= SENTENCE_MIN_WORDS);
  return kept.length > 1 ? kept.slice(0, SENTENCE_MAX) : [];
}

/** The body is embedded as its first few passages of about a sentence or two each. */
const BODY_CHUNKS = 8;
const CHUNK_WORDS = 40;

function bodyChunks(body: string): string[] {
  const words = body.split(' ').filter(Boolean);
  const out: string[] = [];
  for (let i = 0; i < words.length && out.length < BODY_CHUNKS; i += CHUNK_WORDS) out.push(words.slice(i, i + CHUNK_WORDS).join(' '));
  return out;
}

function agentTexts(agent: Agent): [TextKind, string][] {
  const profile = `${agent.title}. ${agent.description}`.slice(0, PROFILE_CHARS);
  return [
    ['profile', profile],
    ...agent.triggers.map((text): [TextKind, string] => ['trigger', text]),
    ...agent.capabilities.map((text): [TextKind, string] => ['capability', text.replaceAll('_', ' ')]),
    ...agent.examples.map((text): [TextKind, string] => ['example', text]),
    ...bodyChunks(agent.body).map((text): [TextKind, string] => ['body', text]),
    ...sentences(agent.description).map((text): [TextKind, string] => ['sentence', text]),
  ];
}

/** How a registry's own texts score against it (AgentVectors.selfSimilarity), medians. */
export interface SelfSimilarity {
  /** A text's own agent (left out of it). */
  readonly own: number;
  /** The best of the other agents. */
  readonly other: number;
  /**
   * The other agents scored on average (where a prefilter applies, the scanned ones): the
   * model's level for texts that have little to do with each other.
   */
  readonly unrelated: number;
}

/** Learned utterances with their vectors, by agent index: extra examples for `match`. */
export type LearnedVectors = ReadonlyMap<number, readonly { readonly text: string; readonly vector: Float32Array }[]>;

/** One agent's semantic evidence for one request. */
export interface SemanticMatch {
  readonly agent: number;
  /** Weighted best similarity over the agent's texts (examples: mean of the best two). */
  readonly score: number;
  /** The text that matched best, and its kind (`learned`: a request recorded as served well), for the explanation. */
  readonly text: string;
  readonly kind: TextKind | 'learned';
}

/**
 * Above this many texts (CLINC150: 15,000 examples), a request is first compared with each
 * agent's centroid and only the closest agents' texts are scanned: a full scan costs
 * milliseconds, and the right agent is practically always among the closest centroids
 * (CLINC150 val: among the 25 closest of 150 for 99.6 % of in-scope requests, the 5 closest
 * for 98.9 %). A sixth of the agents, at most PREFILTER_MAX: at 10,000 agents a sixth was
 * two thirds of a decision's time, reading 23 MB of vectors.
 */
const PREFILTER_ROWS = 4000;
const PREFILTER_SHARE = 1 / 6;
const PREFILTER_MIN = 24;
const PREFILTER_MAX = 500;

const EXAMPLE = TEXT_KINDS.indexOf('example');
const PROFILE = TEXT_KINDS.indexOf('profile');
const SENTENCE = TEXT_KINDS.indexOf('sentence');

/**
 * The value at `index` of `values` sorted ascending, by quickselect (Hoare partitions): linear
 * on average, where even a native sort of 10,000 values took most of a millisecond. It
 * reorders `values`.
 */
function nthSmallest(values: Float64Array, index: number): number {
  let low = 0;
  let high = values.length - 1;
  while (low < high) {
    const pivot = values[(low + high) >>> 1];
    let i = low;
    let j = high;
    while (i <= j) {
      while (values[i] < pivot) i++;
      while (values[j] > pivot) j--;
      if (i <= j) {
        const swap = values[i];
        values[i++] = values[j];
        values[j--] = swap;
      }
    }
    if (index <= j) high = j;
    else if (index >= i) low = i;
    else break; // between the partitions: every value there equals the pivot
  }
  return values[index];
}

/**
 * The `count` agents of highest closeness (ties: the lower index), marked: the agents a sort
 * of every agent by closeness would put first, found without it (a comparator sort of 10,000
 * agents took milliseconds).
 */
export function closest(closeness: Float64Array, count: number): Uint8Array {
  const chosen = new Uint8Array(closeness.length);
  if (count >= closeness.length) return chosen.fill(1);
  const line = nthSmallest(closeness.slice(), closeness.length - count);
  let left = count;
  for (let agent = 0; agent < closeness.length; agent++) {
    if (closeness[agent] > line) {
      chosen[agent] = 1;
      left--;
    }
  }
  for (let agent = 0; left > 0 && agent < closeness.length; agent++) {
    if (closeness[agent] === line) {
      chosen[agent] = 1;
      left--;
    }
  }
  return chosen;
}

/**
 * Vectors of every agent-side text of a registry (profile, triggers, capabilities,
 * examples, body passages, description sentences), embedded once per registry version and
 * model, and the scoring of a request vector against them.
 */
export class AgentVectors {
  readonly dimension: number;
  readonly #agentCount: number;
  readonly #texts: string[];
  readonly #kinds: Uint8Array;
  readonly #weights: Float32Array;
  readonly #owners: Int32Array;
  /** Rows of agent i are `#firstRow[i] … #firstRow[i + 1] - 1`. */
  readonly #firstRow: Int32Array;
  /** Row i: the vector of text i; scored against each request. */
  readonly #vectors: VectorTable;
  /** Row i: agent i's mean text vector, for the prefilter of large registries. */
  readonly #centroids: VectorTable | undefined;
  /** Every agent, for registries scanned whole. */
  readonly #allAgents: readonly number[];
  /** Trained on the examples of a registry described by them (describedByExamples). */
  readonly #classifier: ExampleClassifier | undefined;
  /** An agent's score from its texts is the mean of its two best, not the best alone. */
  readonly #meanOfBestTwo: boolean;
  #learnedCache: { version: number; vectors: LearnedVectors } | undefined;
  #scale: { version: number; value: SelfSimilarity } | undefined;

  private constructor(
    agentCount: number,
    texts: [number, TextKind, string][],
    matrix: Float32Array,
    dimension: number,
    classifier: ExampleClassifier | undefined,
    meanOfBestTwo: boolean,
  ) {
    this.dimension = dimension;
    this.#agentCount = agentCount;
    this.#texts = texts.map(([, , text]) => text);
    this.#kinds = Uint8Array.from(texts, ([, kind]) => TEXT_KINDS.indexOf(kind));
    this.#weights = Float32Array.from(texts, ([, kind]) => KIND_WEIGHT[kind]);
    this.#owners = Int32Array.from(texts, ([agent]) => agent);
    this.#vectors = new VectorTable(matrix, dimension);
    this.#firstRow = new Int32Array(agentCount + 1).fill(texts.length);
    for (let row = texts.length - 1; row >= 0; row--) this.#firstRow[texts[row][0]] = row;
    for (let agent = agentCount - 1; agent >= 0; agent--) this.#firstRow[agent] = Math.min(this.#firstRow[agent], this.#firstRow[agent + 1]);
    this.#centroids = texts.length > PREFILTER_ROWS ? new VectorTable(this.#computeCentroids(), dimension) : undefined;
    this.#allAgents = Array.from({ length: agentCount }, (_, agent) => agent);
    this.#classifier = classifier;
    this.#meanOfBestTwo = meanOfBestTwo;
  }

  /**
   * The vectors of a registry's texts; with `classify`, also the examples' classifier of a
   * registry described by examples (only hybrid reads it: others need not train it). With
   * `meanOfBestTwo`, an agent scores the mean of its two best texts (examples are always read
   * so), so that one text that happens to share a phrase with the request ("rate" of "rate
   * limit" in "error rate") does not carry it alone.
   */
  static async build(registry: Registry, services: StrategyServices, { classify = false, meanOfBestTwo = false } = {}): Promise<AgentVectors> {
    const { encoder, embedPassages } = services;
    if (encoder === undefined || embedPassages === undefined) {
      throw new SwitchboardError('SERVICE_UNAVAILABLE', 'semantic routing needs the embedding model (run: npm run model:fetch)');
    }
    const texts = registry.agents.flatMap((agent, index) =>
      agentTexts(agent).map(([kind, text]): [number, TextKind, string] => [index, kind, text]),
    );
    const matrix = await embedPassages(
      texts.map(([, , text]) => text),
      registry.version,
    );
    const classifier = classify ? await AgentVectors.#trainClassifier(registry, texts, matrix, encoder.dimension, services) : undefined;
    return new AgentVectors(registry.agents.length, texts, matrix, encoder.dimension, classifier, meanOfBestTwo);
  }

  /** The examples' classifier, trained once per registry version and model (kept on disk when it can be). */
  static async #trainClassifier(
    registry: Registry,
    texts: readonly [number, TextKind, string][],
    matrix: Float32Array,
    dimension: number,
    services: StrategyServices,
  ): Promise<ExampleClassifier | undefined> {
    if (!describedByExamples(registry)) return undefined;
    // One row per distinct example text, labelled with every agent that lists it.
    const byText = new Map<string, { row: number; agents: number[] }>();
    texts.forEach(([agent, kind, text], row) => {
      if (kind !== 'example') return;
      const known = byText.get(text);
      if (known === undefined) byText.set(text, { row, agents: [agent] });
      else if (!known.agents.includes(agent)) known.agents.push(agent);
    });
    const rows = [...byText.values()].map((example) => example.row);
    const labels = [...byText.values()].map((example) => example.agents);
    const classes = registry.agents.length;
    const train = async () => (await ExampleClassifier.train(matrix, dimension, rows, labels, classes)).parameters;
    const length = ExampleClassifier.parameterCount(classes, dimension);
    const parameters = services.keepComputed ? await services.keepComputed(`${registry.version}-${CLASSIFIER_VERSION}`, length, train) : await train();
    return ExampleClassifier.restore(classes, dimension, parameters);
  }

  /** Each agent's probability under the examples' classifier, when the registry has one. */
  classProbabilities(query: Float32Array): Float32Array | undefined {
    return this.#classifier?.probabilities(query);
  }

  /** The learned examples of a snapshot that have vectors, by agent index; computed once per snapshot. */
  learnedVectors(snapshot: LearnedSnapshot, registry: Registry): LearnedVectors {
    if (this.#learnedCache?.version === snapshot.version) return this.#learnedCache.vectors;
    const vectors = new Map<number, { text: string; vector: Float32Array }[]>();
    const indexOf = new Map(registry.agents.map((agent, index) => [agent.name, index]));
    for (const example of snapshot.examples) {
      const agent = indexOf.get(example.agent);
      if (agent === undefined || example.vector === undefined) continue;
      vectors.set(agent, [...(vectors.get(agent) ?? []), { text: example.text, vector: example.vector }]);
    }
    this.#learnedCache = { version: snapshot.version, vectors };
    return vectors;
  }

  #computeCentroids(): Float32Array {
    const { dimension } = this;
    const centroids = new Float32Array(this.#agentCount * dimension);
    const matrix = this.#vectors.rows;
    for (let agent = 0; agent < this.#agentCount; agent++) {
      const out = agent * dimension;
      for (let row = this.#firstRow[agent]; row < this.#firstRow[agent + 1]; row++) {
        for (let d = 0; d < dimension; d++) centroids[out + d] += matrix[row * dimension + d];
      }
      let norm = 0;
      for (let d = 0; d < dimension; d++) norm += centroids[out + d] ** 2;
      norm = Math.sqrt(norm) || 1;
      for (let d = 0; d < dimension; d++) centroids[out + d] /= norm;
    }
    return centroids;
  }

  /** Agents whose texts are scanned for `query`, ascending: all, or the closest centroids plus `include`. */
  #agentsToScan(query: Float32Array, include: Iterable<number>): readonly number[] {
    const centroids = this.#centroids;
    if (centroids === undefined) return this.#allAgents;
    centroids.setQuery(query);
    centroids.score(0, this.#agentCount);
    const count = Math.min(PREFILTER_MAX, Math.max(PREFILTER_MIN, Math.ceil(this.#agentCount * PREFILTER_SHARE)));
    const chosen = closest(centroids.scores, count);
    for (const agent of include) chosen[agent] = 1;
    const agents: number[] = [];
    for (let agent = 0; agent < this.#agentCount; agent++) if (chosen[agent] === 1) agents.push(agent);
    return agents;
  }

  /** Scores the rows of `agents` (ascending) against the table's query: each run of consecutive agents in one call. */
  #scoreRows(agents: readonly number[]): void {
    for (let start = 0; start < agents.length; ) {
      let last = start;
      while (last + 1 < agents.length && agents[last + 1] === agents[last] + 1) last++;
      this.#vectors.score(this.#firstRow[agents[start]], this.#firstRow[agents[last] + 1]);
      start = last + 1;
    }
  }

  /**
   * How this registry's own texts score, for a per-registry scale: each sampled text
   * (never a profile, nor a sentence of its description, unless agents have nothing
   * else), and each learned request, is scored as if it were a request, left out of its own
   * agent. `own` is the median score of its own agent, `other` the median best score of any
   * other agent, `unrelated` the median of the other agents' mean score. Similarity levels
   * differ by model, by registry and by what has been learned; this measures them. Cached
   * per learned snapshot.
   */
  selfSimilarity(snapshot: LearnedSnapshot, registry: Registry, sampleSize = 64): SelfSimilarity {
    if (this.#scale?.version === snapshot.version) return this.#scale.value;
    const learned = this.learnedVectors(snapshot, registry);
    const own: number[] = [];
    const other: number[] = [];
    const unrelated: number[] = [];
    const record = (owner: number, matches: SemanticMatch[]) => {
      let sum = 0;
      let count = 0;
      for (const match of matches) {
        if (match.agent === owner) own.push(match.score);
        else {
          if (count === 0) other.push(match.score);
          sum += match.score;
          count++;
        }
      }
      if (count > 0) unrelated.push(sum / count);
    };
    // Probes are texts that say one thing about an agent; where agents have nothing but a
    // profile (a registry of titles), the profiles themselves, their agent then unmeasured.
    const candidates: number[] = [];
    for (let i = 0; i < this.#texts.length; i++) if (this.#kinds[i] !== PROFILE && this.#kinds[i] !== SENTENCE) candidates.push(i);
    if (candidates.length === 0) for (let i = 0; i < this.#texts.length; i++) if (this.#kinds[i] === PROFILE) candidates.push(i);
    const step = Math.max(1, candidates.length / sampleSize);
    for (let k = 0; k < candidates.length; k += step) {
      const row = candidates[Math.floor(k)];
      record(this.#owners[row], this.match(this.row(row), [this.#owners[row]], row, learned));
    }
    const learnedRows = [...learned].flatMap(([agent, examples]) => examples.map((example) => ({ agent, example })));
    const learnedStep = Math.max(1, learnedRows.length / sampleSize);
    for (let k = 0; k < learnedRows.length; k += learnedStep) {
      const { agent, example } = learnedRows[Math.floor(k)];
      const without = new Map(learned);
      without.set(agent, learned.get(agent)!.filter((other) => other !== example));
      record(agent, this.match(example.vector, [agent], -1, without));
    }
    const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
    const value = { own: median(own), other: median(other), unrelated: median(unrelated) };
    this.#scale = { version: snapshot.version, value };
    return value;
  }

  get textCount(): number {
    return this.#texts.length;
  }

  /** Whether every agent's texts are scored for each request (no centroid prefilter). */
  get scansEveryAgent(): boolean {
    return this.#centroids === undefined;
  }

  /** Vector of agent-side text `i` (a view). */
  row(i: number): Float32Array {
    return this.#vectors.rows.subarray(i * this.dimension, (i + 1) * this.dimension);
  }

  /**
   * Semantic scores for `query` (a unit vector), best first: of every agent, or, in large
   * registries, of the agents closest to it plus `include`. `exclude` leaves one text out.
   */
  match(query: Float32Array, include: Iterable<number> = [], exclude = -1, learned: LearnedVectors = new Map()): SemanticMatch[] {
    const { dimension } = this;
    const { scores } = this.#vectors;
    this.#vectors.setQuery(query);
    const agents = this.#agentsToScan(query, [...include, ...learned.keys()]);
    this.#scoreRows(agents);
    const matches: SemanticMatch[] = [];
    for (const agent of agents) {
      let best = -Infinity;
      let second = -Infinity;
      let bestRow = -1;
      let firstExample = -Infinity;
      let secondExample = -Infinity;
      let exampleRow = -1;
      for (let row = this.#firstRow[agent]; row < this.#firstRow[agent + 1]; row++) {
        if (row === exclude) continue;
        const similarity = scores[row];
        if (this.#kinds[row] === EXAMPLE) {
          if (similarity > firstExample) {
            secondExample = firstExample;
            firstExample = similarity;
            exampleRow = row;
          } else if (similarity > secondExample) secondExample = similarity;
        } else {
          const weighted = similarity * this.#weights[row];
          if (weighted > best) {
            second = best;
            best = weighted;
            bestRow = row;
          } else if (weighted > second) second = weighted;
        }
      }
      if (this.#meanOfBestTwo && second > -Infinity) best = (best + second) / 2;
      let learnedText: string | undefined;
      for (const example of learned.get(agent) ?? []) {
        const similarity = dot(example.vector, 0, this.#vectors.query, dimension);
        if (similarity > firstExample) {
          secondExample = firstExample;
          firstExample = similarity;
          learnedText = example.text;
        } else if (similarity > secondExample) secondExample = similarity;
      }
      if (learnedText !== undefined) exampleRow = -2;
      if (exampleRow !== -1) {
        const examples = secondExample > -Infinity ? (firstExample + secondExample) / 2 : firstExample;
        if (examples > best) {
          best = examples;
          bestRow = exampleRow;
        }
      }
      if (bestRow === -2) {
        matches.push({ agent, score: best, text: learnedText!, kind: 'learned' });
        continue;
      }
      if (bestRow < 0) continue;
      matches.push({ agent, score: best, text: this.#texts[bestRow], kind: TEXT_KINDS[this.#kinds[bestRow]] });
    }
    return matches.sort((a, b) => b.score - a.score || a.agent - b.agent);
  }
}
