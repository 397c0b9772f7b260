import { setTimeout as sleep } from 'node:timers/promises';
import {
  Consumer,
  MessagesStreamModes,
  stringDeserializers,
  type ConsumerGroupJoinPayload,
  type Message,
  type MessagesStream,
} from '@platformatic/kafka';
import type { BusRecord, PartitionLag, RecordHandler, SubscribeOptions, Subscription } from './bus.ts';
import { kafkaError } from './kafka-errors.ts';
import {
  COMMIT_INTERVAL_MS,
  MAX_BUFFERED_RECORDS,
  PartitionDispatcher,
  partitionKey,
  type TopicPartition,
} from './partition-dispatcher.ts';

export interface KafkaConsumerConfig {
  readonly clientId: string;
  readonly brokers: readonly string[];
  /** How long a member that stopped heartbeating keeps its partitions. */
  readonly sessionTimeoutMs: number;
}

type StringConsumer = Consumer<string, string, string, string>;
type StringStream = MessagesStream<string, string, string, string>;

/** A `throughput` member's fetch waits for this much (or maxWaitTime): tens of records per fetch. */
const THROUGHPUT_MIN_BYTES = 64 * 1024;

const RESTART_DELAY_MS = { first: 200, max: 2_000 };
const SHUTDOWN_STEP_MS = 2_000;

/**
 * One member of a Kafka consumer group. Records flow from the client's stream into the
 * shared dispatcher (per-partition order, commit after the handler); what the handlers
 * finished is committed every COMMIT_INTERVAL_MS, when a rebalance starts (so the next
 * owner resumes where this member stopped) and on close.
 *
 * The stream is recreated whenever it fails or ends: after a broker outage the client
 * closes it ("fetch failed 4 times") and would otherwise never read again. Recreating it
 * rejoins with the same member id, so the group does not wait a session timeout for a ghost.
 */
export class KafkaSubscription implements Subscription {
  readonly ready: Promise<void>;
  readonly #options: SubscribeOptions;
  readonly #left: (member: KafkaSubscription) => void;
  readonly #consumer: StringConsumer;
  readonly #dispatcher: PartitionDispatcher;
  readonly #assigned = Promise.withResolvers<void>();
  readonly #stop = new AbortController();
  readonly #commitTimer: NodeJS.Timeout;
  readonly #loop: Promise<void>;
  #committing: Promise<void> | undefined;
  #closing: Promise<void> | undefined;
  /** The stream records are read from; a renewed stream's leftovers are ignored. */
  #current: StringStream | undefined;
  #renewal: Promise<StringStream> | undefined;
  #owned = new Map<string, TopicPartition>();
  #failures = 0;

  /** `left` is called once the member has left its group, however it left. */
  constructor(
    options: SubscribeOptions,
    handler: RecordHandler,
    config: KafkaConsumerConfig,
    left: (member: KafkaSubscription) => void,
  ) {
    this.#options = options;
    this.#left = left;
    this.ready = this.#assigned.promise;
    this.ready.catch(() => undefined); // rejected only by a close before assignment
    this.#dispatcher = new PartitionDispatcher({ handler, onError: (error, record) => this.#report(error, record) });
    this.#consumer = new Consumer({
      clientId: config.clientId,
      groupId: options.groupId,
      bootstrapBrokers: [...config.brokers],
      deserializers: stringDeserializers,
      autocommit: false,
      sessionTimeout: config.sessionTimeoutMs,
      // A member that does not rejoin within this holds the whole group (default: 102 s).
      rebalanceTimeout: config.sessionTimeoutMs,
      // Members learn of a rebalance from a heartbeat: this bounds how long a join or a leave takes.
      heartbeatInterval: 500,
      // minBytes 1: a fetch returns as soon as one record is there (4096 cost ~90 ms p50 here).
      minBytes: options.prefer === 'throughput' ? THROUGHPUT_MIN_BYTES : 1,
      maxWaitTime: 500,
    });
    this.#consumer.on('consumer:group:join', (payload) => this.#assign(payload));
    this.#consumer.on('consumer:group:rebalance', () => void this.#commit());
    this.#commitTimer = setInterval(() => void this.#commit(), COMMIT_INTERVAL_MS).unref();
    this.#loop = this.#consumeForever();
  }

  close(): Promise<void> {
    this.#closing ??= this.#shutdown(true);
    return this.#closing;
  }

  async lag(): Promise<readonly PartitionLag[]> {
    // Mid-rebalance, or once closing, the partitions last assigned may be another member's.
    if (this.#closing !== undefined || !this.#consumer.isActive()) return [];
    const owned = [...this.#owned.values()];
    if (owned.length === 0) return [];
    const topics = [...new Set(owned.map(({ topic }) => topic))];
    const partitionsOf = (topic: string) => owned.filter((owner) => owner.topic === topic).map(({ partition }) => partition);
    try {
      // Committed offsets first, then the ends, as Kafka's own tools read them: a record
      // produced and committed between the two reads cannot make the lag negative.
      const committed = await this.#consumer.listCommittedOffsets({ topics: topics.map((topic) => ({ topic, partitions: partitionsOf(topic) })) });
      const ends = await this.#consumer.listOffsets({ topics });
      return owned.flatMap(({ topic, partition }) => {
        const end = ends.get(topic)?.[partition];
        if (end === undefined) return []; // not in the client's metadata yet (a partition just added)
        // -1: nothing committed yet (the member commits its start as soon as it is assigned).
        const at = committed.get(topic)?.[partition] ?? -1n;
        const behind = at < 0n ? end : end - at;
        return [{ topic, partition, records: Number(behind > 0n ? behind : 0n) }];
      });
    } catch (error) {
      throw kafkaError('reading the consumer lag', error);
    }
  }

  /** Test-only: dies without committing (it still leaves the group, to spare a session timeout). */
  crash(): Promise<void> {
    this.#closing ??= this.#shutdown(false);
    return this.#closing;
  }

  async #shutdown(clean: boolean): Promise<void> {
    this.#stop.abort();
    clearInterval(this.#commitTimer);
    if (clean) {
      await this.#dispatcher.stop();
      await bounded(this.#flushCommits());
    } else {
      this.#dispatcher.abandon();
    }
    // A join still in progress ends first (bounded): the client closed in mid-join keeps
    // heartbeating a membership it never left, and its timers then hold the process open.
    await bounded(this.#assigned.promise);
    // force: the consumer closes its streams itself, then leaves the group.
    await bounded(this.#consumer.close(true).catch((error: unknown) => this.#report(error)));
    await bounded(this.#loop);
    this.#assigned.reject(kafkaError('subscribing', 'closed before being assigned'));
    this.#left(this);
  }

  async #consumeForever(): Promise<void> {
    let stream: StringStream | undefined;
    while (!this.#stop.signal.aborted) {
      try {
        stream ??= await this.#open();
        stream = await this.#drain(stream);
        if (stream !== undefined) continue; // renewed: read the fresh stream at once
      } catch (error) {
        stream = undefined;
        if (this.#stop.signal.aborted) return;
        this.#report(error);
      }
      const delay = Math.min(RESTART_DELAY_MS.first * 2 ** this.#failures++, RESTART_DELAY_MS.max);
      await sleep(delay, undefined, { signal: this.#stop.signal }).catch(() => undefined);
    }
  }

  /** A stream positioned at the group's committed offsets (or `from` where there are none). */
  async #open(): Promise<StringStream> {
    const options = {
      topics: [...this.#options.topics],
      mode: MessagesStreamModes.COMMITTED,
      fallbackMode: this.#options.from ?? 'latest',
      autocommit: false,
    };
    const stream = await new Promise<StringStream>((resolve, reject) => {
      // The callback form hands the stream over as it is made, before it starts on the next
      // tick: a consumer closed meanwhile makes that start fail with an 'error' event, and a
      // listener attached after an await would come too late (an unhandled 'error' ends the
      // process). Errors still reach the consume loop: an errored stream throws when read.
      this.#consumer.consume(options, (error, created) => {
        if (error || created === undefined) return reject(error);
        created.on('error', () => {});
        resolve(created);
      });
    });
    stream.once('offsets', () => {
      this.#failures = 0;
      this.#seedPositions(stream);
      this.#assigned.resolve();
    });
    this.#current = stream;
    return stream;
  }

  /** Feeds the dispatcher until the stream ends; returns its replacement when it was renewed. */
  async #drain(stream: StringStream): Promise<StringStream | undefined> {
    for await (const message of stream) {
      if (this.#stop.signal.aborted || stream !== this.#current) break;
      this.#dispatcher.push(toBusRecord(message));
      if (this.#dispatcher.buffered >= MAX_BUFFERED_RECORDS) await this.#dispatcher.whenBelow(MAX_BUFFERED_RECORDS / 2);
    }
    const renewal = this.#renewal;
    this.#renewal = undefined;
    return renewal;
  }

  /**
   * Commits where a fresh stream starts on each partition it has not read yet. Without
   * this, a group with no committed offset on a partition resets it again on every new
   * stream (after an outage) or owner: with `latest`, records produced meanwhile (a reply
   * to a request sent as the broker came back) would be skipped. Before the first fetch,
   * the stream's positions are exactly the committed offsets or the `from` fallback.
   */
  #seedPositions(stream: StringStream): void {
    for (const { topic, partition } of this.#owned.values()) {
      const offset = stream.offsetsToFetch.get(`${topic}:${partition}`);
      if (offset !== undefined && offset >= 0n) this.#dispatcher.seed({ topic, partition, offset });
    }
  }

  #assign(payload: ConsumerGroupJoinPayload): void {
    const owned = new Map<string, TopicPartition>();
    for (const { topic, partitions } of payload.assignments ?? []) {
      for (const partition of partitions) owned.set(partitionKey(topic, partition), { topic, partition });
    }
    const keys = [...owned.keys()];
    const gained = keys.some((key) => !this.#owned.has(key));
    this.#owned = owned;
    this.#dispatcher.assign(keys);
    const stale = this.#current;
    if (gained && stale !== undefined && this.#renewal === undefined) {
      // The client keeps a stream's fetch position for partitions it lost, and a fetch
      // answered after the rebalance moves it on past records this member dropped; if the
      // partition comes back with no committed offset, those records would be skipped.
      // A fresh stream takes every position from the group. It is opened before the stale
      // one closes, so the topic stays subscribed and the group does not rebalance again.
      this.#current = undefined;
      const renewal = this.#open().finally(() => stale.close().catch((error: unknown) => this.#report(error)));
      renewal.catch(() => undefined); // its failure reaches the consume loop, which awaits it
      this.#renewal = renewal;
    }
  }

  async #flushCommits(): Promise<void> {
    await this.#committing;
    await this.#commit();
  }

  /** Commits what the handlers finished, one commit at a time; a failed one is retried later. */
  #commit(): Promise<void> {
    if (this.#committing !== undefined) return this.#committing;
    const positions = this.#dispatcher.takeCommits();
    if (positions.length === 0) return Promise.resolve();
    // leaderEpoch -1: unknown, which the broker accepts; records do not carry it through the Bus.
    const offsets = positions.map((position) => ({ ...position, leaderEpoch: -1 }));
    this.#committing = this.#consumer
      .commit({ offsets })
      .catch((error: unknown) => {
        this.#dispatcher.restoreCommits(positions);
        this.#report(error);
      })
      .finally(() => {
        this.#committing = undefined;
      });
    return this.#committing;
  }

  #report(error: unknown, record?: BusRecord): void {
    this.#options.onError?.(error, record);
  }
}

/**
 * Waits for a shutdown step, but not for long: with the broker gone the client retries a
 * commit or a LeaveGroup for ~25 s, too long for a SIGTERM. Giving up is safe: the group
 * drops the member after its session timeout and redelivers what it had not committed.
 */
async function bounded(step: Promise<unknown>): Promise<void> {
  const timeout = new AbortController();
  await Promise.race([
    step.then(
      () => timeout.abort(),
      () => timeout.abort(),
    ),
    sleep(SHUTDOWN_STEP_MS, undefined, { signal: timeout.signal }).catch(() => undefined),
  ]);
}

export function toBusRecord(message: Message<string, string, string, string>): BusRecord {
  return {
    topic: message.topic,
    partition: message.partition,
    offset: message.offset,
    timestamp: Number(message.timestamp),
    key: message.key ?? '',
    value: message.value ?? '',
    ...(message.headers.size > 0 && { headers: Object.fromEntries(message.headers) }),
  };
}
