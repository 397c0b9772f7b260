import type { Logger } from 'pino';
import type { RoutingContext, RoutingOptions, RoutingResult } from '../contracts/routing.ts';
import { formatIssue } from '../registry/load.ts';
import type { Registry } from '../registry/agent.ts';
import type { CacheStats } from '../routing/cache.ts';
import type { Router } from '../routing/router.ts';
import type { Encoder } from '../embedding/encoder-types.ts';
import { indexRegistry, openRouter, type OpenedRouter } from '../open-router.ts';
import { ServiceMetrics, type MetricsSource, type Transport } from './metrics.ts';
import { failureOf, type Failure } from './outcome.ts';
import { assignRequest, type Assignment, type Experiment } from '../experiments/index.ts';

/** What the decision path hands back to a transport, which only has to put it on the wire. */
export type Decision = (
  | { readonly ok: true; readonly outcome: 'completed' | 'no_match'; readonly result: RoutingResult }
  | { readonly ok: false; readonly failure: Failure }
) & {
  /** Time spent on the decision path, validation included. */
  readonly latencyMs: number;
  /** The experiment variant the request was routed with, when it took part in one. */
  readonly assignment?: Assignment;
};

export interface OpenServiceOptions {
  readonly logger: Logger;
  /** The default strategy; unset: hybrid when the embedding model is present, else lexical. */
  readonly strategy?: string;
  /** The embedding model (default: the catalogue's default). */
  readonly model?: string;
  /** A/B experiments (docs/experiments.md); the enabled one assigns requests to its variants. */
  readonly experiments?: readonly Experiment[];
  /** Strategies the service will also route with (a shadow's): prepared, with the model they need, at start. */
  readonly alsoServes?: readonly string[];
}

/** Which strategy serves requests that name none, and why. */
export interface StrategyStatus {
  readonly default: string;
  /** The sentence-embedding model in use, or null when none is loaded. */
  readonly embedding_model: string | null;
  /** Set when the service runs lexical because the model is missing. */
  readonly note?: string;
}

/**
 * The warm routing service: owns the router (its registry, indexes and cache), the
 * metrics, and the decision path that HTTP and the bus share: validate, route, and turn
 * the result or the error into an outcome, counted once here. A reload replaces the router
 * as a whole (`replaceRegistry`).
 */
export class RoutingService implements MetricsSource {
  readonly metrics: ServiceMetrics;
  readonly strategy: StrategyStatus;
  readonly #encoder: Encoder | undefined;
  #router: Router;
  /** Cache counts of the routers replaced so far, so that the exported counters never go back. */
  #replacedCache = { hits: 0, misses: 0 };
  readonly #logger: Logger;
  readonly #started = performance.now();
  readonly #knownStrategies: ReadonlySet<string>;
  readonly #experiments: readonly Experiment[];
  /** Strategies besides the default that variants or a shadow route with: every router has them ready. */
  readonly #prepared: readonly string[];
  #inFlight = 0;
  #draining = false;

  /** Loads the registry (bad files are logged and skipped) and warms the default strategy. */
  static async open(paths: string[], options: OpenServiceOptions): Promise<RoutingService> {
    const { logger } = options;
    let note: string | undefined;
    // Every strategy an experiment variant or a shadow routes with is ready (and its model loaded) before serving.
    const prepare = [...new Set([...(options.experiments ?? []).flatMap((e) => (e.enabled ? e.variants.map((v) => v.options.routing_strategy) : [])), ...(options.alsoServes ?? [])])];
    const opened = await openRouter(paths, {
      defaultStrategy: options.strategy,
      model: options.model,
      prepare,
      onIssue: (issue) => logger[issue.severity === 'error' ? 'error' : 'warn'](formatIssue(issue)),
      onNotice: (message) => {
        note = message;
        logger.warn(message);
      },
    });
    return new RoutingService(opened, logger, { note, experiments: options.experiments, prepared: prepare });
  }

  constructor(
    opened: OpenedRouter,
    logger: Logger,
    { note, experiments = [], prepared = [] }: { note?: string; experiments?: readonly Experiment[]; prepared?: readonly string[] } = {},
  ) {
    this.#encoder = opened.encoder;
    this.#experiments = experiments;
    this.#prepared = prepared;
    this.#router = opened.router;
    this.#logger = logger;
    this.#knownStrategies = new Set(opened.router.strategyNames);
    this.strategy = {
      default: opened.router.defaultStrategy,
      embedding_model: opened.encoder?.model ?? null,
      ...(note === undefined ? {} : { note }),
    };
    this.metrics = new ServiceMetrics(this);
  }

  /** The router serving now; a decision holds on to the one it started with. */
  get router(): Router {
    return this.#router;
  }

  get registry(): Registry {
    return this.router.registry;
  }

  get registryVersion(): string {
    return this.router.registry.version;
  }

  get agentCount(): number {
    return this.router.registry.agents.length;
  }

  get uptimeSeconds(): number {
    return (performance.now() - this.#started) / 1000;
  }

  /** True once shutdown began: in-flight work still finishes, health says so. */
  get draining(): boolean {
    return this.#draining;
  }

  cacheStats(): CacheStats {
    const { hits, misses, size } = this.#router.cacheStats();
    return { hits: hits + this.#replacedCache.hits, misses: misses + this.#replacedCache.misses, size };
  }

  /**
   * Serves `registry` from now on. Its router is built first, off the request path, with
   * this service's default strategy and encoder (the model loads once per process), then
   * replaces the current one in one step: decisions in flight finish on the router they
   * started with, and its cache goes with it. The new router keeps what outcomes taught
   * the old one.
   */
  async replaceRegistry(registry: Registry): Promise<void> {
    const { router } = await indexRegistry(registry, { defaultStrategy: this.strategy.default, prepare: this.#prepared, model: this.#encoder ?? false });
    const previous = this.#router;
    router.inheritOutcomes(previous);
    const { hits, misses } = previous.cacheStats();
    this.#replacedCache = { hits: this.#replacedCache.hits + hits, misses: this.#replacedCache.misses + misses };
    this.#router = router;
  }

  /**
   * Decides one routing input (SPEC §2) of any shape; never throws. A request that names no
   * strategy takes part in the enabled experiment, if any: its variant's options apply.
   */
  async decide(input: unknown, transport: Transport, correlationId: string): Promise<Decision> {
    const started = performance.now();
    this.metrics.requestStarted();
    this.#inFlight++;
    try {
      return await this.#decide(input, transport, correlationId, started);
    } finally {
      this.#inFlight--;
    }
  }

  /** Requests being decided now: background work (shadow runs) waits for this to be 0. */
  get inFlight(): number {
    return this.#inFlight;
  }

  async #decide(input: unknown, transport: Transport, correlationId: string, started: number): Promise<Decision> {
    const assignment = this.#assign(input, correlationId);
    const routed = assignment === undefined ? input : withVariant(input as RoutingInput, assignment);
    try {
      // The router validates: an input of the wrong shape comes back as INVALID_REQUEST.
      const result = await this.router.route(routed as Parameters<Router['route']>[0]);
      const outcome = result.selected_agent === null ? 'no_match' : 'completed';
      const latencyMs = performance.now() - started;
      this.metrics.requestEnded(outcome, result.routing_metadata.routing_strategy, transport, latencyMs / 1000);
      if (assignment !== undefined) this.metrics.assigned(assignment.experiment, assignment.variant.name);
      return { ok: true, outcome, result, latencyMs, ...(assignment && { assignment }) };
    } catch (error) {
      const failure = this.#failed(error, routed);
      this.metrics.requestEnded(failure.outcome, this.strategyLabel(routed), transport);
      return { ok: false, failure, latencyMs: performance.now() - started, ...(assignment && { assignment }) };
    }
  }

  /** Counts a request its transport rejected before the decision path (unreadable body). */
  rejected(error: unknown, transport: Transport): Failure {
    const failure = this.#failed(error, undefined);
    this.metrics.count(failure.outcome, this.strategyLabel(undefined), transport);
    return failure;
  }

  /**
   * The strategy a request asked for, as a metrics label: its own name when the router
   * knows it, `unknown` otherwise, so that arbitrary input cannot grow the label set.
   */
  strategyLabel(input: unknown): string {
    const requested = (input as { options?: { routing_strategy?: unknown } } | null | undefined)?.options?.routing_strategy;
    if (requested === undefined) return this.router.defaultStrategy;
    return typeof requested === 'string' && this.#knownStrategies.has(requested) ? requested : 'unknown';
  }

  beginDrain(): void {
    this.#draining = true;
  }

  /** Releases the embedding model; call after every transport has stopped. */
  async close(): Promise<void> {
    await this.#encoder?.close();
  }

  /** Only well-formed inputs that leave the strategy to the service take part; the router judges the rest. */
  #assign(input: unknown, correlationId: string): Assignment | undefined {
    if (this.#experiments.length === 0 || typeof input !== 'object' || input === null) return undefined;
    const { context, options } = input as RoutingInput;
    // Options that are not an object stay as sent, so the router refuses them as it would without experiments.
    if (options !== undefined && (typeof options !== 'object' || options === null)) return undefined;
    if (options?.routing_strategy !== undefined) return undefined;
    return assignRequest(this.#experiments, typeof context === 'object' && context !== null ? context : undefined, correlationId);
  }

  #failed(error: unknown, input: unknown): Failure {
    const failure = failureOf(error);
    // Bad input is the caller's business; anything else is worth a look.
    if (failure.outcome === 'failed') this.#logger.error({ err: error, strategy: this.strategyLabel(input) }, 'routing failed');
    return failure;
  }
}

/** A routing input as the assignment reads it, before the router has validated it. */
interface RoutingInput {
  readonly context?: RoutingContext;
  readonly options?: RoutingOptions;
}

/** The input with the variant's options in force; the caller's other options stand. */
function withVariant(input: RoutingInput, assignment: Assignment): RoutingInput {
  return { ...input, options: { ...input.options, ...assignment.variant.options } };
}
