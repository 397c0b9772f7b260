import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CacheStats } from '../routing/cache.ts';
import type { Outcome } from './outcome.ts';

/** Where a request came in. */
export type Transport = 'http' | 'bus';

/** Why a bus record got no reply at all (it had no usable correlation id). */
export type DropReason = 'no_correlation_id';

/** What the metrics read from the service at scrape time, never on the request path. */
export interface MetricsSource {
  cacheStats(): CacheStats;
  readonly registryVersion: string;
  readonly agentCount: number;
}

/** 50 µs to 1 s: a lexical decision takes tens of µs, a hybrid one a few ms. */
const LATENCY_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

/**
 * The service's Prometheus series, in a registry of its own (several services can share a
 * test process). Request-path updates go through labelled children cached per label set,
 * so counting a request is a Map lookup and an add.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  readonly #requests: Counter<'outcome' | 'strategy' | 'transport'>;
  readonly #latency: Histogram<'strategy'>;
  readonly #inFlight: Gauge;
  readonly #dropped: Counter<'reason'>;
  readonly #redeliveries: Counter;
  readonly #busErrors: Counter;
  readonly #requestChildren = new Map<string, Counter.Internal>();
  readonly #latencyChildren = new Map<string, Histogram.Internal<'strategy'>>();

  constructor(source: MetricsSource) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.#requests = new Counter({
      name: 'switchboard_routing_requests_total',
      help: 'Routing requests by outcome (completed, no_match, invalid, failed, expired), strategy and transport.',
      labelNames: ['outcome', 'strategy', 'transport'],
      registers,
    });
    this.#latency = new Histogram({
      name: 'switchboard_routing_duration_seconds',
      help: 'Time to decide one request (validation, cache and strategy), in seconds.',
      labelNames: ['strategy'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.#inFlight = new Gauge({ name: 'switchboard_requests_in_flight', help: 'Requests being decided now.', registers });
    new Counter({
      name: 'switchboard_cache_hits_total',
      help: 'Decisions answered from the routing cache.',
      registers,
      collect() {
        this.reset();
        this.inc(source.cacheStats().hits);
      },
    });
    new Counter({
      name: 'switchboard_cache_misses_total',
      help: 'Decisions the routing cache could not answer.',
      registers,
      collect() {
        this.reset();
        this.inc(source.cacheStats().misses);
      },
    });
    new Gauge({
      name: 'switchboard_registry_agents',
      help: 'Agents in the loaded registry.',
      registers,
      collect() {
        this.set(source.agentCount);
      },
    });
    new Gauge({
      name: 'switchboard_registry_info',
      help: 'The loaded registry, by content hash (always 1).',
      labelNames: ['registry_version'],
      registers,
      collect() {
        this.reset();
        this.set({ registry_version: source.registryVersion }, 1);
      },
    });
    this.#dropped = new Counter({
      name: 'switchboard_bus_dropped_total',
      help: 'Request records that got no reply because they had no usable correlation id.',
      labelNames: ['reason'],
      registers,
    });
    // Present at 0 from the start, so that dashboards and alerts see the series before the first drop.
    this.#dropped.inc({ reason: 'no_correlation_id' }, 0);
    this.#redeliveries = new Counter({
      name: 'switchboard_bus_redeliveries_total',
      help: 'Request records seen again (same event_id) and answered with the reply already sent.',
      registers,
    });
    this.#busErrors = new Counter({
      name: 'switchboard_bus_errors_total',
      help: 'Failures the bus subscription rode out (handler retries, lost connections, failed commits).',
      registers,
    });
  }

  requestStarted(): void {
    this.#inFlight.inc();
  }

  requestEnded(outcome: Outcome, strategy: string, transport: Transport, seconds?: number): void {
    this.#inFlight.dec();
    this.count(outcome, strategy, transport);
    if (seconds !== undefined) this.#latencyChild(strategy).observe(seconds);
  }

  /** Counts a request that never reached the decision path (bad HTTP body, expired deadline). */
  count(outcome: Outcome, strategy: string, transport: Transport): void {
    const key = `${outcome}\u0000${strategy}\u0000${transport}`;
    let child = this.#requestChildren.get(key);
    if (child === undefined) {
      child = this.#requests.labels(outcome, strategy, transport);
      this.#requestChildren.set(key, child);
    }
    child.inc();
  }

  dropped(reason: DropReason): void {
    this.#dropped.inc({ reason });
  }

  redelivered(): void {
    this.#redeliveries.inc();
  }

  busError(): void {
    this.#busErrors.inc();
  }

  #latencyChild(strategy: string): Histogram.Internal<'strategy'> {
    let child = this.#latencyChildren.get(strategy);
    if (child === undefined) {
      child = this.#latency.labels(strategy);
      this.#latencyChildren.set(strategy, child);
    }
    return child;
  }
}
