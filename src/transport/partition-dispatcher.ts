import { setTimeout as sleep } from 'node:timers/promises';
import type { BusRecord, RecordHandler } from './bus.ts';

/**
 * The delivery rules of a subscription, shared by both buses so that they cannot drift:
 * records of one partition go to the handler one at a time, in offset order; partitions
 * run concurrently; a rejected handler is retried in place with backoff (the partition
 * waits, later records keep their order); an offset becomes committable only once its
 * handler resolved. The transport feeds records in, tells which partitions the member
 * owns, and periodically takes the committable positions to commit them in one batch.
 */

export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

/** A committable position: the next offset to read from `topic`/`partition`. */
export interface CommitPosition extends TopicPartition {
  readonly offset: bigint;
}

export interface DispatcherOptions {
  readonly handler: RecordHandler;
  /** Told about every handler rejection before its retry. */
  readonly onError: (error: unknown, record: BusRecord) => void;
  /** First retry delay; doubles per failure up to `maxRetryDelayMs`. */
  readonly retryDelayMs?: number;
  readonly maxRetryDelayMs?: number;
}

interface RoomWaiter {
  readonly limit: number;
  readonly resolve: () => void;
}

interface PartitionState {
  readonly key: string;
  readonly queue: BusRecord[];
  /** The offset after the last record accepted: a fetch that repeats older offsets is skipped. */
  next: bigint;
  /** Cancels a retry; set on revocation and on stop. */
  readonly abort: AbortController;
  /** The partition went to another member: what its handler finishes is not ours to commit. */
  revoked: boolean;
  /** Settles when this partition's worker has stopped (a later owner of the key waits for it). */
  done: Promise<void>;
}

/** How often subscriptions commit what their handlers finished: batched, never per record. */
export const COMMIT_INTERVAL_MS = 100;

/** Records a subscription holds in its queues before it stops fetching more. */
export const MAX_BUFFERED_RECORDS = 1_000;

export const partitionKey = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

export class PartitionDispatcher {
  readonly #handler: RecordHandler;
  readonly #onError: DispatcherOptions['onError'];
  readonly #retryDelayMs: number;
  readonly #maxRetryDelayMs: number;
  readonly #partitions = new Map<string, PartitionState>();
  /** Workers of revoked partitions that may still be inside a handler. */
  readonly #retiring = new Map<string, Promise<void>>();
  readonly #pending = new Map<string, CommitPosition>();
  #assigned: ReadonlySet<string> | undefined;
  #buffered = 0;
  #roomWaiters: RoomWaiter[] = [];
  #stopped = false;
  #abandoned = false;

  constructor(options: DispatcherOptions) {
    this.#handler = options.handler;
    this.#onError = options.onError;
    this.#retryDelayMs = options.retryDelayMs ?? 100;
    this.#maxRetryDelayMs = options.maxRetryDelayMs ?? 5_000;
  }

  /** Records accepted and not yet handled (the one in a handler included). */
  get buffered(): number {
    return this.#buffered;
  }

  /**
   * The partitions this member owns now. Queued records of the others are dropped and their
   * uncommitted positions forgotten (the next owner reads them again from the group's
   * committed offset); a handler already running on one finishes but commits nothing.
   */
  assign(keys: Iterable<string>): void {
    const assigned = new Set(keys);
    this.#assigned = assigned;
    for (const state of [...this.#partitions.values()]) {
      if (!assigned.has(state.key)) this.#retire(state, true);
    }
    for (const key of [...this.#pending.keys()]) {
      if (!assigned.has(key)) this.#pending.delete(key);
    }
  }

  /** Queues a record; false when it is dropped (stopped, partition not owned, or already seen). */
  push(record: BusRecord): boolean {
    if (this.#stopped) return false;
    const key = partitionKey(record.topic, record.partition);
    if (this.#assigned !== undefined && !this.#assigned.has(key)) return false;
    let state = this.#partitions.get(key);
    if (state === undefined) {
      state = { key, queue: [], next: record.offset, abort: new AbortController(), revoked: false, done: Promise.resolve() };
      this.#partitions.set(key, state);
    } else if (record.offset < state.next) {
      return false;
    }
    state.next = record.offset + 1n;
    state.queue.push(record);
    this.#buffered++;
    if (state.queue.length === 1) state.done = this.#run(state, this.#retiring.get(key));
    return true;
  }

  /** Resolves once fewer than `limit` records are buffered. */
  whenBelow(limit: number): Promise<void> {
    if (this.#buffered < limit || this.#stopped) return Promise.resolve();
    return new Promise((resolve) => this.#roomWaiters.push({ limit, resolve }));
  }

  /** Takes the positions committable since the last call (the caller commits them). */
  takeCommits(): CommitPosition[] {
    const positions = [...this.#pending.values()];
    this.#pending.clear();
    return positions;
  }

  /**
   * Where this member starts reading a partition: made committable unless the partition
   * has been read since, so the group keeps it even if nothing gets handled there (a later
   * owner, or a stream recreated after an outage, resumes from it instead of resetting).
   */
  seed(position: CommitPosition): void {
    const key = partitionKey(position.topic, position.partition);
    if (this.#stopped || this.#partitions.has(key) || this.#pending.has(key)) return;
    if (this.#assigned !== undefined && !this.#assigned.has(key)) return;
    this.#pending.set(key, position);
  }

  /** Puts back positions whose commit failed, unless newer ones or a revocation came since. */
  restoreCommits(positions: readonly CommitPosition[]): void {
    if (this.#abandoned) return;
    for (const position of positions) {
      const key = partitionKey(position.topic, position.partition);
      if (this.#assigned !== undefined && !this.#assigned.has(key)) continue;
      const current = this.#pending.get(key);
      if (current === undefined || current.offset < position.offset) this.#pending.set(key, position);
    }
  }

  /**
   * Stops taking records, drops the queued ones, cancels retries and waits for the handlers
   * in flight; their positions stay committable (`takeCommits` after this).
   */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const state of [...this.#partitions.values()]) this.#retire(state, false);
    this.#releaseWaiters();
    await Promise.all(this.#retiring.values());
  }

  /** A crash: like stop, but nothing handled so far or later becomes committable, and nobody waits. */
  abandon(): void {
    this.#abandoned = true;
    this.#pending.clear();
    void this.stop();
  }

  #retire(state: PartitionState, revoked: boolean): void {
    this.#partitions.delete(state.key);
    state.revoked = revoked;
    state.abort.abort();
    // Only the head record (maybe in a handler) still counts; the rest is dropped now.
    const dropped = Math.max(0, state.queue.length - 1);
    state.queue.splice(1);
    this.#buffered -= dropped;
    const done = state.done.then(() => {
      if (this.#retiring.get(state.key) === done) this.#retiring.delete(state.key);
    });
    this.#retiring.set(state.key, done);
    this.#releaseWaiters();
  }

  async #run(state: PartitionState, previousOwner: Promise<void> | undefined): Promise<void> {
    // A revoked-then-reassigned partition must not run two handlers at once.
    if (previousOwner !== undefined) await previousOwner;
    while (state.queue.length > 0) {
      const record = state.queue[0];
      const handled = await this.#handle(record, state.abort.signal);
      state.queue.shift();
      this.#buffered--;
      this.#releaseWaiters();
      // A record handled after its partition was revoked is the next owner's to commit.
      if (handled && !state.revoked && !this.#abandoned) {
        this.#pending.set(state.key, { topic: record.topic, partition: record.partition, offset: record.offset + 1n });
      }
    }
  }

  /** Runs the handler until it resolves (true) or the partition is revoked or stopped (false). */
  async #handle(record: BusRecord, signal: AbortSignal): Promise<boolean> {
    let delay = this.#retryDelayMs;
    for (;;) {
      try {
        await this.#handler(record);
        return true;
      } catch (error) {
        this.#onError(error, record);
      }
      if (signal.aborted) return false;
      await sleep(delay, undefined, { signal }).catch(() => undefined);
      if (signal.aborted) return false;
      delay = Math.min(delay * 2, this.#maxRetryDelayMs);
    }
  }

  #releaseWaiters(): void {
    if (this.#roomWaiters.length === 0) return;
    const waiting: RoomWaiter[] = [];
    for (const waiter of this.#roomWaiters) {
      if (this.#buffered < waiter.limit || this.#stopped) waiter.resolve();
      else waiting.push(waiter);
    }
    this.#roomWaiters = waiting;
  }
}
