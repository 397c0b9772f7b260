import type { Registry } from '../registry/agent.ts';
import type { Recommendation, RoutingRequest, RoutingResult } from '../contracts/routing.ts';
import { SwitchboardError } from '../errors.ts';
import { LruTtlCache, type CacheStats } from './cache.ts';
import { findExplicitAgent } from './explicit.ts';
import { LearnedExamples } from './learned-examples.ts';
import { cacheKey, normaliseRequest, type NormalisedRequest } from './request.ts';
import { NO_HISTORY, type HistorySnapshot } from './history.ts';
import type { Candidate, PreparedStrategy, ScoringStrategy, StrategyInput, StrategyServices } from './strategy.ts';
import { BUILTIN_STRATEGIES, DEFAULT_STRATEGY } from './strategies/index.ts';

export interface RouterOptions extends StrategyServices {
  readonly defaultStrategy?: string;
  readonly strategies?: ReadonlyMap<string, ScoringStrategy>;
  /** `false` disables caching. Defaults: 10,000 entries, 5 minutes. */
  readonly cache?: { readonly maxEntries: number; readonly ttlMs: number } | false;
  readonly history?: HistorySnapshot;
  /**
   * Strategies to prepare at creation besides the default, so that a misconfigured one fails
   * then and the first requests do not pay for indexing (experiment variants, a shadow).
   */
  readonly prepare?: readonly string[];
  /** Clock for the cache TTL (tests). */
  readonly now?: () => number;
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

function deepFreeze(result: RoutingResult): void {
  for (const recommendation of result.recommendations) {
    Object.freeze(recommendation.confidence);
    Object.freeze(recommendation);
  }
  Object.freeze(result.recommendations);
  Object.freeze(result.routing_metadata);
  Object.freeze(result);
}

function toRecommendation(candidate: Candidate): Recommendation {
  const { agent, score } = candidate;
  return {
    agent_name: agent.name,
    agent_title: agent.title,
    confidence: {
      total: round(score.total),
      trigger_score: round(score.trigger),
      context_score: round(score.context),
      capability_score: round(score.capability),
      historical_score: round(score.historical),
      ...(score.semantic === undefined ? {} : { semantic_score: round(score.semantic) }),
      explanation: candidate.explanation,
    },
    reason: candidate.reason,
    definition_path: agent.definitionPath,
  };
}

/**
 * The registry as strategies see it: without explicit-only agents, which only an explicit
 * request reaches. Same version: it is a view, and the only one strategies are given.
 */
function routableView(registry: Registry): Registry {
  if (!registry.agents.some((agent) => agent.explicitOnly)) return registry;
  const agents = registry.agents.filter((agent) => !agent.explicitOnly);
  const byName = new Map([...registry.byName].filter(([, agent]) => !agent.explicitOnly));
  return Object.freeze({ ...registry, agents: Object.freeze(agents), byName });
}

/**
 * Routes requests over one registry version. Pure apart from its cache: no I/O, so every
 * transport (in-process, HTTP, Kafka) wraps the same decisions.
 */
export class Router {
  readonly registry: Registry;
  /** What strategies rank: `registry` without its explicit-only agents. */
  readonly #routable: Registry;
  readonly defaultStrategy: string;
  readonly #strategies: ReadonlyMap<string, ScoringStrategy>;
  readonly #prepared = new Map<string, Promise<PreparedStrategy>>();
  readonly #services: StrategyServices;
  readonly #cache: LruTtlCache<RoutingResult> | undefined;
  #history: HistorySnapshot;
  readonly #learned = new LearnedExamples();
  /**
   * Request vectors by normalised text: the same text re-asked with other options or
   * strategies is embedded once. Off when the decision cache is off.
   */
  readonly #embeddings: LruTtlCache<Float32Array> | undefined;

  /** Builds a router and prepares its default strategy and `options.prepare` (others on first use). */
  static async create(registry: Registry, options: RouterOptions = {}): Promise<Router> {
    const router = new Router(registry, options);
    await Promise.all([router.defaultStrategy, ...(options.prepare ?? [])].map((name) => router.#prepare(name)));
    return router;
  }

  private constructor(registry: Registry, options: RouterOptions) {
    this.registry = registry;
    this.#routable = routableView(registry);
    this.#services = {
      encoder: options.encoder,
      embedPassages: options.embedPassages,
      keepComputed: options.keepComputed,
      indexSnapshots: options.indexSnapshots,
    };
    this.#strategies = options.strategies ?? BUILTIN_STRATEGIES;
    this.defaultStrategy = options.defaultStrategy ?? DEFAULT_STRATEGY;
    this.#history = options.history ?? NO_HISTORY;
    const cache = options.cache ?? { maxEntries: 10_000, ttlMs: 300_000 };
    this.#cache = cache === false ? undefined : new LruTtlCache(cache.maxEntries, cache.ttlMs, options.now);
    this.#embeddings = cache === false ? undefined : new LruTtlCache(1000, cache.ttlMs, options.now);
  }

  get strategyNames(): string[] {
    return [...this.#strategies.keys()];
  }

  cacheStats(): CacheStats {
    return this.#cache?.stats() ?? { hits: 0, misses: 0, size: 0 };
  }

  /**
   * Decides one request (SPEC §2). The result is deeply frozen: cached decisions are shared.
   * Throws SwitchboardError INVALID_REQUEST / UNKNOWN_STRATEGY.
   */
  async route(request: RoutingRequest): Promise<RoutingResult> {
    const started = performance.now();
    const normalised = normaliseRequest(request);
    const strategy = normalised.strategy ?? this.defaultStrategy;
    const prepared = await this.#prepare(strategy);
    const key = this.#cache && cacheKey(normalised, strategy, this.registry.version, `${this.#history.version}/${this.#learned.snapshot.version}`);
    const cached = key === undefined ? undefined : this.#cache!.get(key);
    if (cached !== undefined) {
      return Object.freeze({
        ...cached,
        routing_metadata: Object.freeze({ ...cached.routing_metadata, cache_hit: true, routing_time_ms: performance.now() - started }),
      });
    }
    const result = await this.#decide(normalised, strategy, prepared);
    result.routing_metadata.routing_time_ms = performance.now() - started;
    deepFreeze(result);
    if (key !== undefined) this.#cache!.set(key, result);
    return result;
  }

  /** The outcomes later decisions see; decisions cached under the previous snapshot are not reused. */
  setHistory(snapshot: HistorySnapshot): void {
    this.#history = snapshot;
  }

  /**
   * Takes over what outcomes taught `previous`, the router of the registry this one replaces:
   * its historical scores, and the learned examples of the agents this registry still has
   * (their vectors too: both routers share the encoder). Synchronous, so that nothing learned
   * in between is lost when the caller swaps routers right after.
   */
  inheritOutcomes(previous: Router): void {
    this.#history = previous.#history;
    for (const example of previous.#learned.snapshot.examples) {
      if (this.registry.byName.has(example.agent)) this.#learned.add(example);
    }
  }

  /**
   * Records `userRequest` as served well by `agentName` (a successful outcome): from now on
   * it counts as one of that agent's examples. Returns whether it was new.
   */
  async learn(userRequest: string, agentName: string): Promise<boolean> {
    const agent = this.registry.byName.get(agentName);
    if (agent === undefined) throw new SwitchboardError('INVALID_REQUEST', `cannot learn for unknown agent '${agentName}'`);
    // An explicit-only agent is never ranked: what it served teaches the strategies nothing.
    if (agent.explicitOnly) return false;
    const { text } = normaliseRequest({ user_request: userRequest });
    const vector = await this.#services.encoder?.embedQuery(text);
    return this.#learned.add({ agent: agent.name, text, vector });
  }

  /** The strategy's full ranking, before threshold and cut: for evaluation and explanation. */
  async rank(request: RoutingRequest): Promise<Candidate[]> {
    const normalised = normaliseRequest(request);
    const strategy = normalised.strategy ?? this.defaultStrategy;
    const prepared = await this.#prepare(strategy);
    return prepared.rank(await this.#input(normalised, strategy));
  }

  #prepare(name: string): Promise<PreparedStrategy> {
    let prepared = this.#prepared.get(name);
    if (prepared !== undefined) return prepared;
    const strategy = this.#strategies.get(name);
    if (strategy === undefined) {
      return Promise.reject(
        new SwitchboardError('UNKNOWN_STRATEGY', `unknown routing_strategy '${name}'; known: ${this.strategyNames.join(', ')}`),
      );
    }
    prepared = Promise.resolve(strategy.prepare(this.#routable, this.#services));
    // A failed preparation is not cached: the next request tries again.
    prepared.catch(() => this.#prepared.delete(name));
    this.#prepared.set(name, prepared);
    return prepared;
  }

  /** What a strategy sees; the request is embedded once, and only for strategies that use it. */
  async #input(request: NormalisedRequest, strategy: string): Promise<StrategyInput> {
    const input = { text: request.text, plainText: request.plainText, context: request.context, historical: this.#history.score, learned: this.#learned.snapshot };
    if (!this.#strategies.get(strategy)?.usesEmbeddings) return input;
    const encoder = this.#services.encoder;
    if (encoder === undefined) throw new SwitchboardError('SERVICE_UNAVAILABLE', `strategy '${strategy}' needs a sentence encoder`);
    let embedding = this.#embeddings?.get(request.text);
    if (embedding === undefined) {
      embedding = await encoder.embedQuery(request.text);
      this.#embeddings?.set(request.text, embedding);
    }
    return { ...input, embedding };
  }

  async #decide(request: NormalisedRequest, strategy: string, prepared: PreparedStrategy): Promise<RoutingResult> {
    const metadata = {
      routing_time_ms: 0,
      cache_hit: false,
      candidates_evaluated: this.#routable.agents.length,
      routing_strategy: strategy,
      registry_version: this.registry.version,
    };
    const explicit = findExplicitAgent(request.plainText, this.registry);
    if (explicit !== undefined) {
      const recommendation = toRecommendation({
        agent: explicit,
        score: { total: 1, trigger: 1, context: 1, capability: 1, historical: 1 },
        reason: 'Explicitly requested by user',
        explanation: `${explicit.name}: explicitly requested`,
      });
      return {
        recommendations: [recommendation],
        selected_agent: explicit.name,
        routing_policy: 'explicit_request',
        routing_metadata: { ...metadata, candidates_evaluated: 1 },
      };
    }
    const candidates = prepared.rank(await this.#input(request, strategy));
    const recommendations: Recommendation[] = [];
    for (const candidate of candidates) {
      if (recommendations.length === request.maxRecommendations) break;
      if (candidate.score.total >= request.minConfidence) recommendations.push(toRecommendation(candidate));
    }
    if (recommendations.length === 0) {
      return {
        recommendations,
        selected_agent: null,
        routing_policy: 'no_match',
        reason: candidates.length === 0 ? 'empty_candidates' : 'no_candidate_above_threshold',
        routing_metadata: metadata,
      };
    }
    return {
      recommendations,
      selected_agent: recommendations[0].agent_name,
      routing_policy: 'trigger_match',
      routing_metadata: metadata,
    };
  }
}
