import { setTimeout as sleep } from 'node:timers/promises';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CacheStats } from '../routing/cache.ts';
import type { WriterMetrics } from '../store/decision-writer.ts';
import type { PartitionLag } from '../transport/bus.ts';
import type { Outcome } from './outcome.ts';
import type { ReloadResult } from './registry-reloader.ts';

/** Where a request came in. */
export type Transport = 'http' | 'bus';

/** Why a bus record was dropped: a request with no usable correlation id, or an unreadable decision event. */
export type DropReason = 'no_correlation_id' | 'malformed_decision_event';

/** What became of one outcome sent to the service. */
export type FeedbackResult = 'recorded' | 'invalid' | 'unknown_correlation_id' | 'unavailable';

/** The decision history's writer, as metrics read it at scrape time. */
export interface HistoryMetricsSource {
  writerMetrics(): WriterMetrics;
}

/** The registry reloader, as metrics read it at scrape time. */
export interface ReloadMetricsSource {
  /** Reload attempts so far, by result. */
  reloadCounts(): Readonly<Record<ReloadResult, number>>;
  /** When the files last loaded without error (the start counts), in ms since the epoch. */
  readonly lastSuccessMs: number;
}

/** The request consumer, as metrics read it at scrape time. */
export interface LagMetricsSource {
  lag(): Promise<readonly PartitionLag[]>;
}

/** What the metrics read from the service at scrape time, never on the request path. */
export interface MetricsSource {
  cacheStats(): CacheStats;
  readonly registryVersion: string;
  readonly agentCount: number;
}

/** How long a scrape waits for the consumer lag before leaving it out. */
const LAG_TIMEOUT_MS = 1_000;

/** 50 µs to 1 s: a lexical decision takes tens of µs, a hybrid one a few ms. */
const LATENCY_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

/**
 * The service's Prometheus series, in a registry of its own (several services can share a
 * test process). Request-path updates go through labelled children cached per label set,
 * so counting a request is a Map lookup and an add.
 */
export type ComparisonResult = 'match' | 'differ' | 'failed' | 'skipped';

export class ServiceMetrics {
  readonly registry = new Registry();
  readonly #requests: Counter<'outcome' | 'strategy' | 'transport'>;
  readonly #latency: Histogram<'strategy'>;
  readonly #inFlight: Gauge;
  readonly #dropped: Counter<'reason'>;
  readonly #redeliveries: Counter;
  readonly #busErrors: Counter;
  readonly #feedback: Counter<'result' | 'transport'>;
  readonly #assigned: Counter<'experiment' | 'variant'>;
  readonly #shadowed: Counter<'result'>;
  readonly #controlCompared: Counter<'result'>;
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
      help: 'Bus records dropped unanswered: requests with no usable correlation id, unreadable decision events.',
      labelNames: ['reason'],
      registers,
    });
    // Present at 0 from the start, so that dashboards and alerts see the series before the first drop.
    this.#dropped.inc({ reason: 'no_correlation_id' }, 0);
    this.#dropped.inc({ reason: 'malformed_decision_event' }, 0);
    this.#redeliveries = new Counter({
      name: 'switchboard_bus_redeliveries_total',
      help: 'Request records seen again (same event_id) and answered with the reply already sent.',
      registers,
    });
    this.#busErrors = new Counter({
      name: 'switchboard_bus_errors_total',
      help: 'Failures the bus subscription rode out (handler retries, lost connections, failed commits, consumer-lag reads that failed or timed out).',
      registers,
    });
    this.#feedback = new Counter({
      name: 'switchboard_feedback_total',
      help: 'Outcomes sent to the service, by result (recorded, invalid, unknown_correlation_id, unavailable) and transport.',
      labelNames: ['result', 'transport'],
      registers,
    });
    this.#assigned = new Counter({
      name: 'switchboard_experiment_decisions_total',
      help: 'Decisions made in an A/B experiment, by experiment and variant (names from the operator\'s config only).',
      labelNames: ['experiment', 'variant'],
      registers,
    });
    this.#shadowed = new Counter({
      name: 'switchboard_shadow_comparisons_total',
      help: 'Shadow comparisons by result: match, differ (the selected agents), failed, skipped (queue full or over the CPU budget).',
      labelNames: ['result'],
      registers,
    });
    this.#controlCompared = new Counter({
      name: 'switchboard_control_comparisons_total',
      help: 'Treatment decisions of an A/B experiment decided again with the control\'s options, by result: match, differ, failed, skipped (queue full or over the CPU budget).',
      labelNames: ['result'],
      registers,
    });
  }

  /** Exports the decision history writer's state: queue, spool, batches, errors, drops. */
  observeHistory(source: HistoryMetricsSource): void {
    const registers = [this.registry];
    const gauge = (name: string, help: string, read: (metrics: WriterMetrics) => number) =>
      new Gauge({ name, help, registers, collect() { this.set(read(source.writerMetrics())); } });
    const counter = (name: string, help: string, read: (metrics: WriterMetrics) => number) =>
      new Counter({ name, help, registers, collect() { this.reset(); this.inc(read(source.writerMetrics())); } });
    gauge('switchboard_history_queue_depth', 'Decisions waiting in memory to be written.', (m) => m.queue_depth);
    gauge('switchboard_history_spool_bytes', 'Bytes of decisions spooled to disk while the database is away.', (m) => m.spool_bytes);
    gauge('switchboard_history_spooling', '1 while decisions go to the spool instead of the database.', (m) => (m.spooling ? 1 : 0));
    counter('switchboard_history_rows_written_total', 'Decisions written to the database.', (m) => m.rows_written);
    counter('switchboard_history_batches_written_total', 'Batches written to the database.', (m) => m.batches_written);
    counter('switchboard_history_batch_seconds_total', 'Time spent writing batches, in seconds (with batches_written: the mean).', (m) => m.batch_latency_ms.sum / 1000);
    gauge('switchboard_history_batch_seconds_max', 'The slowest batch write so far, in seconds.', (m) => m.batch_latency_ms.max / 1000);
    counter('switchboard_history_write_errors_total', 'Failed batch writes (each retried or spooled).', (m) => m.write_errors);
    counter('switchboard_history_rejected_rows_total', 'Decisions the database refused as invalid (logged, skipped).', (m) => m.rejected_rows);
    counter('switchboard_history_dropped_rows_total', 'Decisions lost because the spool hit its disk limit.', (m) => m.dropped_rows);
  }

  /** Exports the registry reloads: attempts by result, and when the files last loaded without error. */
  observeReloads(source: ReloadMetricsSource): void {
    const registers = [this.registry];
    new Counter({
      name: 'switchboard_registry_reloads_total',
      help: 'Registry reloads by result: ok (swapped in), unchanged (same content), rejected (errors: the last good registry serves).',
      labelNames: ['result'],
      registers,
      collect() {
        this.reset();
        for (const [result, count] of Object.entries(source.reloadCounts())) this.inc({ result }, count);
      },
    });
    new Gauge({
      name: 'switchboard_registry_last_reload_success_timestamp_seconds',
      help: 'When the registry files last loaded without error (start included), in seconds since the epoch.',
      registers,
      collect() {
        this.set(source.lastSuccessMs / 1000);
      },
    });
  }

  /**
   * Exports the request consumer's lag per owned partition, read from the bus at each scrape.
   * A scrape that cannot reach the broker within LAG_TIMEOUT_MS shows no lag series (their
   * absence is the alert) and counts a bus error: with the broker gone the client would
   * retry for tens of seconds, past any scraper's timeout, and the other series must answer.
   */
  observeLag(source: LagMetricsSource): void {
    const busError = () => this.busError();
    // One read at a time: scrapes that come while the broker is slow share it instead of
    // piling up calls the client keeps retrying.
    let reading: Promise<readonly PartitionLag[]> | undefined;
    const read = () => (reading ??= source.lag().finally(() => (reading = undefined)));
    new Gauge({
      name: 'switchboard_consumer_lag_records',
      help: 'Request records this instance\'s partitions hold that the group has not finished (end offset less committed offset), by topic and partition.',
      labelNames: ['topic', 'partition'],
      registers: [this.registry],
      async collect() {
        this.reset();
        try {
          for (const { topic, partition, records } of await within(read(), LAG_TIMEOUT_MS)) {
            this.set({ topic, partition: String(partition) }, records);
          }
        } catch {
          busError();
        }
      },
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

  shadowed(result: ComparisonResult): void {
    this.#shadowed.inc({ result });
  }

  controlCompared(result: ComparisonResult): void {
    this.#controlCompared.inc({ result });
  }

  assigned(experiment: string, variant: string): void {
    this.#assigned.inc({ experiment, variant });
  }

  feedback(result: FeedbackResult, transport: Transport): void {
    this.#feedback.inc({ result, transport });
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

/** `promise`, or a rejection once `ms` have passed without it settling (it is left to settle unseen). */
async function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  const timer = new AbortController();
  promise.catch(() => undefined);
  try {
    const expired = sleep(ms, undefined, { signal: timer.signal }).then(() => Promise.reject(new Error(`no answer within ${ms} ms`)));
    return await Promise.race([promise, expired]);
  } finally {
    timer.abort();
  }
}
