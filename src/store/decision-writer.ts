import { isComparison, type DecisionRecord, type HistoryRow } from './decision-record.ts';
import type { DecisionStore } from './decision-store.ts';
import { Spool } from './spool.ts';
import { StoreUnavailableError } from './store-errors.ts';

/** The parts of a logger (pino's shape) the writer uses: it only reports, never decides by it. */
export interface WriterLogger {
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface DecisionWriterOptions {
  readonly store: Pick<DecisionStore, 'writeDecisions' | 'writeComparison'>;
  /** The spool file; keep one per process (e.g. `<data dir>/spool-<instance>.jsonl`). */
  readonly spoolFile: string;
  /**
   * Past this many queued decisions, the queue goes to the spool even while the database is
   * up; at four times this, `record` itself spools, so memory stays bounded during a hung write.
   */
  readonly maxQueue?: number;
  readonly batchSize?: number;
  /** How long a partial batch may wait for company. */
  readonly flushIntervalMs?: number;
  /** The spool's disk limit; decisions past it are dropped, counted and logged. */
  readonly maxSpoolBytes?: number;
  readonly retryBaseMs?: number;
  readonly retryMaxMs?: number;
  readonly logger?: WriterLogger;
}

/** What the service exports as metrics and shows in /health. */
export interface WriterMetrics {
  queue_depth: number;
  spool_bytes: number;
  /** True from a failed write until the spool is replayed. */
  spooling: boolean;
  rows_written: number;
  batches_written: number;
  batch_latency_ms: { last: number; max: number; sum: number; count: number };
  write_errors: number;
  /** Rows the database refused (not an outage): logged and skipped so they cannot block the rest. */
  rejected_rows: number;
  /** Rows lost because the spool hit its disk limit (or were recorded after close). */
  dropped_rows: number;
}

const READ_CHUNK_BYTES = 1 << 20;

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Writes decisions in the background so that routing never waits for the database.
 *
 * `record` only pushes onto a queue. One loop drains it in batches. When a write fails
 * because the database is unavailable, that batch and everything after it go to the spool
 * instead, and the loop retries with exponential backoff by replaying the spool, in order,
 * before any new write: the database sees decisions in the order they were made, and since
 * writes are idempotent on decision_id, replaying a batch that half-landed is harmless. A
 * writer that starts with a non-empty spool (a restart after a crash) replays it first.
 */
export class DecisionWriter {
  readonly #store: Pick<DecisionStore, 'writeDecisions' | 'writeComparison'>;
  readonly #spool: Spool;
  readonly #maxQueue: number;
  readonly #hardLimit: number;
  readonly #batchSize: number;
  readonly #flushIntervalMs: number;
  readonly #retryBaseMs: number;
  readonly #retryMaxMs: number;
  readonly #logger: WriterLogger | undefined;
  #queue: HistoryRow[] = [];
  #spooling: boolean;
  #retryAt = 0;
  #backoffMs: number;
  #closing = false;
  /**
   * Decisions recorded, and decisions done with (written, rejected or dropped). Both count in
   * recording order, which the queue and the spool keep, so `finished >= n` means the first n are done.
   */
  #recorded = 0;
  #finished = 0;
  #wake: (() => void) | undefined;
  readonly #loop: Promise<void>;
  readonly #metrics = {
    rows_written: 0, batches_written: 0, write_errors: 0, rejected_rows: 0, dropped_rows: 0,
    batch_latency_ms: { last: 0, max: 0, sum: 0, count: 0 },
  };

  constructor(options: DecisionWriterOptions) {
    this.#store = options.store;
    this.#spool = new Spool(options.spoolFile, options.maxSpoolBytes ?? 1 << 30);
    this.#maxQueue = options.maxQueue ?? 10_000;
    this.#hardLimit = this.#maxQueue * 4;
    this.#batchSize = options.batchSize ?? 500;
    this.#flushIntervalMs = options.flushIntervalMs ?? 50;
    this.#retryBaseMs = options.retryBaseMs ?? 100;
    this.#retryMaxMs = options.retryMaxMs ?? 5_000;
    this.#backoffMs = this.#retryBaseMs;
    this.#logger = options.logger;
    this.#spooling = this.#spool.bytes > 0;
    // A spool left by a crashed process is replayed first: those rows are done before any of ours.
    this.#finished = -this.#spool.countRecords();
    this.#loop = this.#run();
  }

  /** Never blocks, never throws: the row (a decision or a comparison) is written later, or spooled. */
  record(row: HistoryRow): void {
    if (this.#closing) {
      this.#drop(1, 'decision recorded after the writer closed');
      return;
    }
    this.#recorded++;
    this.#queue.push(row);
    if (this.#queue.length >= this.#hardLimit) {
      // The loop is stuck on a slow write: bound memory by moving the queue to disk right here.
      // Order against the batch in flight may then differ; the ids keep it exactly-once.
      this.#spooling = true;
      this.#spoolQueue();
    } else if (this.#queue.length >= this.#batchSize) {
      this.#wake?.();
    }
  }

  metrics(): WriterMetrics {
    return {
      queue_depth: this.#queue.length,
      spool_bytes: this.#spool.bytes,
      spooling: this.#spooling,
      ...this.#metrics,
      batch_latency_ms: { ...this.#metrics.batch_latency_ms },
    };
  }

  /**
   * Resolves true once everything recorded so far is in the database, or false when that has
   * not happened within `timeoutMs` (the database is away, or slow): for a reader that must
   * see a decision just made, such as an outcome about it.
   */
  async settled(timeoutMs: number): Promise<boolean> {
    // Only what is recorded up to now: under steady traffic the queue is never empty.
    const target = this.#recorded;
    const deadline = Date.now() + timeoutMs;
    while (this.#finished < target) {
      if (Date.now() >= deadline) return false;
      this.#wake?.();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return true;
  }

  /**
   * Stops taking decisions, then writes what is queued (replaying the spool first), or,
   * when the database is still away, spools it. Does not close the store.
   */
  async close(): Promise<void> {
    this.#closing = true;
    this.#wake?.();
    await this.#loop;
    this.#spool.close();
  }

  async #run(): Promise<void> {
    while (true) {
      const idle = await this.#step();
      if (this.#closing && (idle || this.#spooling)) break;
      if (idle) await this.#sleep(this.#flushIntervalMs);
      // A synchronous store (node:sqlite) resolves at once: let requests and timers in between batches.
      else await yieldToEventLoop();
    }
    // Closing: one more attempt at the database; whatever it does not take now stays on disk.
    if (this.#spooling) {
      this.#spoolQueue();
      if (await this.#replay()) this.#spooling = false;
    } else if (this.#queue.length > 0) {
      if (await this.#write(this.#queue)) this.#queue = [];
      else this.#spoolQueue();
    }
  }

  /** One unit of work; true when there was nothing to do. */
  async #step(): Promise<boolean> {
    if (!this.#spooling && this.#queue.length > this.#maxQueue) {
      this.#logger?.warn({ queue_depth: this.#queue.length }, 'decision queue over its limit: spooling to disk');
      this.#spooling = true;
    }
    if (this.#spooling) {
      this.#spoolQueue();
      const wait = this.#retryAt - Date.now();
      if (wait > 0) {
        // Keep moving new decisions to disk while waiting for the next attempt.
        await this.#sleep(Math.min(wait, this.#flushIntervalMs));
        return false;
      }
      if (await this.#replay()) {
        this.#spooling = false;
        this.#backoffMs = this.#retryBaseMs;
      } else {
        this.#retryAt = Date.now() + this.#backoffMs;
        this.#backoffMs = Math.min(this.#backoffMs * 2, this.#retryMaxMs);
      }
      return false;
    }
    if (this.#queue.length === 0) return true;
    const batch = this.#queue.splice(0, this.#batchSize);
    if (!(await this.#write(batch))) {
      // Back to the front of the queue, which goes to disk next, ahead of later decisions.
      this.#queue.unshift(...batch);
      this.#spooling = true;
      this.#retryAt = Date.now() + this.#backoffMs;
    }
    return false;
  }

  /** Writes the whole spool, chunk by chunk, moving new decisions to disk between chunks. */
  async #replay(): Promise<boolean> {
    let offset = 0;
    while (offset < this.#spool.bytes) {
      const { records, next } = this.#spool.read(offset, READ_CHUNK_BYTES);
      for (let start = 0; start < records.length; start += this.#batchSize) {
        if (!(await this.#write(records.slice(start, start + this.#batchSize)))) return false;
        await yieldToEventLoop();
      }
      offset = next;
      this.#spoolQueue();
    }
    this.#spool.clear();
    return true;
  }

  /** false when the database is unavailable; other failures are the rows' fault and are isolated. */
  async #write(batch: HistoryRow[]): Promise<boolean> {
    const started = performance.now();
    try {
      const decisions = batch.filter((row): row is DecisionRecord => !isComparison(row));
      if (decisions.length > 0) await this.#store.writeDecisions(decisions);
      // Comparisons are few (a shadow's share, within its CPU budget): one statement each.
      for (const row of batch) if (isComparison(row)) await this.#store.writeComparison(row.comparison);
      this.#written(batch.length, performance.now() - started);
      return true;
    } catch (error) {
      this.#metrics.write_errors++;
      if (error instanceof StoreUnavailableError) {
        if (this.#backoffMs === this.#retryBaseMs) this.#logger?.warn({ err: error }, 'decision store unavailable: spooling decisions to disk');
        return false;
      }
      return this.#writeOneByOne(batch, error);
    }
  }

  /** A batch the database refused: find the bad rows so that the good ones still land. */
  async #writeOneByOne(batch: HistoryRow[], batchError: unknown): Promise<boolean> {
    if (batch.length === 1) {
      this.#metrics.rejected_rows++;
      this.#finished++;
      const [row] = batch;
      const id = isComparison(row) ? { comparison_id: row.comparison.comparison_id } : { decision_id: row.decision_id };
      this.#logger?.error({ err: batchError, ...id }, 'row rejected by the store');
      return true;
    }
    for (const record of batch) {
      if (!(await this.#write([record]))) return false;
    }
    return true;
  }

  #written(rows: number, ms: number): void {
    this.#finished += rows;
    const latency = this.#metrics.batch_latency_ms;
    this.#metrics.rows_written += rows;
    this.#metrics.batches_written++;
    latency.last = ms;
    latency.max = Math.max(latency.max, ms);
    latency.sum += ms;
    latency.count++;
  }

  #spoolQueue(): void {
    if (this.#queue.length === 0) return;
    const lost = this.#spool.append(this.#queue.splice(0));
    if (lost > 0) this.#drop(lost, 'spool disk limit reached: decisions dropped');
  }

  #drop(count: number, message: string): void {
    this.#metrics.dropped_rows += count;
    this.#finished += count;
    this.#logger?.error({ dropped: count, dropped_total: this.#metrics.dropped_rows }, message);
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = () => {
        this.#wake = undefined;
        done();
      };
    });
  }
}
