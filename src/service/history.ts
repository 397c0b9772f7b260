import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { RoutingDecisionEvent } from '../contracts/events.ts';
import { HISTORY_POLICY, historySnapshot } from '../routing/history.ts';
import type { Router } from '../routing/router.ts';
import { toDecisionRecord, type ComparisonRecord, type OutcomeRecord } from '../store/decision-record.ts';
import { DecisionLog } from '../store/decision-log.ts';
import type { DecisionStore } from '../store/decision-store.ts';
import type { WriterMetrics } from '../store/decision-writer.ts';
import type { StoreLocation } from '../store/open-store.ts';

export interface HistoryOptions {
  readonly location: StoreLocation;
  /** Where the writer's spool lives (the data folder). */
  readonly spoolDir: string;
  readonly logger: Logger;
  /** How often recorded outcomes are read back into the router (default 30 s). */
  readonly refreshMs?: number;
}

/** What /health shows of the history. */
export interface HistoryStatus {
  readonly backend: DecisionStore['backend'];
  readonly location: string;
  /** `spooling` while decisions go to disk because the database is away. */
  readonly state: 'ok' | 'spooling';
  readonly queue_depth: number;
  readonly spool_bytes: number;
  readonly rows_written: number;
  readonly write_errors: number;
  readonly dropped_rows: number;
  /** The outcome snapshot decisions are scored with (`none` before any outcome). */
  readonly history_version: string;
}

/** Served requests read per query when learning from outcomes. */
const LEARN_PAGE = 500;

/**
 * The service's side of SPEC §5: every decision goes to the store through the background
 * writer (never waiting for the database), outcomes are recorded and checked against the
 * decisions, and the router is kept up to date with what the outcomes say: per-agent
 * historical scores as a versioned snapshot, and successful requests as learned examples.
 */
export class DecisionHistory {
  readonly #log: DecisionLog;
  readonly #logger: Logger;
  readonly #refreshMs: number;
  #historyVersion = 'none';
  #learnedUpTo = 0;
  #refreshTimer: NodeJS.Timeout | undefined;
  #refreshing: Promise<void> | undefined;
  #refreshFailed = false;

  /** Opens the store and the writer; a database that is down now only delays the writes. */
  static async open(options: HistoryOptions): Promise<DecisionHistory> {
    return new DecisionHistory(await DecisionLog.open(options), options);
  }

  private constructor(log: DecisionLog, options: HistoryOptions) {
    this.#log = log;
    this.#logger = options.logger;
    this.#refreshMs = options.refreshMs ?? 30_000;
  }

  get backend(): DecisionStore['backend'] {
    return this.#log.store.backend;
  }

  get location(): string {
    return this.#log.store.location;
  }

  /** Queues a decision for the store; never blocks, never throws. */
  record(event: RoutingDecisionEvent): void {
    this.#log.record(toDecisionRecord(event));
  }

  /** Queues a comparison (a shadow or control run); never blocks, never throws. Timed now, though written later. */
  recordComparison(comparison: Omit<ComparisonRecord, 'comparison_id' | 'compared_at'>): void {
    this.#log.recordComparison({ ...comparison, comparison_id: randomUUID(), compared_at: new Date().toISOString() });
  }

  /** See DecisionLog.recordOutcome: INVALID_REQUEST, UNKNOWN_CORRELATION_ID or SERVICE_UNAVAILABLE. */
  recordOutcome(outcome: OutcomeRecord): Promise<void> {
    return this.#log.recordOutcome(outcome);
  }

  /**
   * Reads the recorded outcomes into the router serving now (`current()`: a reload replaces
   * it) now, then every refresh period: the historical scores as a new snapshot when they
   * changed, and each newly served request as a learned example of its agent. A failed read
   * keeps the last snapshot and is retried next period.
   */
  async follow(current: () => Router): Promise<void> {
    await this.#refreshOnce(current);
    const tick = () => {
      this.#refreshTimer = setTimeout(async () => {
        await this.#refreshOnce(current);
        if (this.#refreshTimer !== undefined) tick();
      }, this.#refreshMs);
      this.#refreshTimer.unref();
    };
    tick();
  }

  status(): HistoryStatus {
    const metrics = this.#log.writerMetrics();
    return {
      backend: this.backend,
      location: this.location,
      state: metrics.spooling ? 'spooling' : 'ok',
      queue_depth: metrics.queue_depth,
      spool_bytes: metrics.spool_bytes,
      rows_written: metrics.rows_written,
      write_errors: metrics.write_errors,
      dropped_rows: metrics.dropped_rows,
      history_version: this.#historyVersion,
    };
  }

  writerMetrics(): WriterMetrics {
    return this.#log.writerMetrics();
  }

  /** Writes what is queued (or spools it when the database is away), then closes the store. */
  async close(): Promise<void> {
    clearTimeout(this.#refreshTimer);
    this.#refreshTimer = undefined;
    await this.#refreshing;
    await this.#log.close();
  }

  #refreshOnce(current: () => Router): Promise<void> {
    this.#refreshing = this.#refresh(current).then(
      () => {
        if (this.#refreshFailed) this.#logger.info('decision store readable again: historical scores refreshed');
        this.#refreshFailed = false;
      },
      (error: unknown) => {
        if (!this.#refreshFailed) this.#logger.warn({ err: error }, 'could not read outcomes: keeping the last historical scores');
        this.#refreshFailed = true;
      },
    );
    return this.#refreshing;
  }

  async #refresh(current: () => Router): Promise<void> {
    const store = this.#log.store;
    await this.#log.ensureSchema();
    const since = new Date(Date.now() - HISTORY_POLICY.days * 86_400_000);
    const snapshot = historySnapshot(await store.agentOutcomes({ since, perAgent: HISTORY_POLICY.perAgent }));
    if (snapshot.version !== this.#historyVersion) {
      current().setHistory(snapshot);
      this.#historyVersion = snapshot.version;
    }
    while (true) {
      // The same window as the scores: what users said long ago is not taught again at every start.
      const served = await store.servedRequests({ afterId: this.#learnedUpTo, since, limit: LEARN_PAGE });
      for (const { request, agent } of served) await this.#learn(current, request, agent);
      if (served.length > 0) this.#learnedUpTo = served.at(-1)!.outcome_id;
      if (served.length < LEARN_PAGE) break;
    }
  }

  /**
   * Learns one served request on the router serving now. A reload during the await handed
   * the old router's examples to the new one without this one: learn it there too.
   */
  async #learn(current: () => Router, request: string, agent: string): Promise<void> {
    for (let router = current(); ; router = current()) {
      // An agent since removed from the registry has nothing to learn; one bad row must not stall the rest.
      if (!router.registry.byName.has(agent)) return;
      await router.learn(request, agent).catch((error: unknown) => this.#logger.warn({ err: error, agent }, 'served request not learned'));
      if (router === current()) return;
    }
  }
}
