import type { BusRecord, PartitionLag, RecordHandler, SubscribeOptions, Subscription } from './bus.ts';
import type { GroupMember, InProcessGroup } from './in-process-group.ts';
import type { TopicLog } from './in-process-log.ts';
import {
  COMMIT_INTERVAL_MS,
  MAX_BUFFERED_RECORDS,
  PartitionDispatcher,
  partitionKey,
  type TopicPartition,
} from './partition-dispatcher.ts';

/** What a member needs from its bus. */
export interface MemberContext {
  readonly group: InProcessGroup;
  readonly log: (topic: string) => TopicLog;
  /** Called once the member has left its group, however it left. */
  readonly left: (member: InProcessSubscription) => void;
}

interface Position {
  readonly log: TopicLog;
  readonly partition: number;
  next: bigint;
}

/**
 * One member of an in-process consumer group: reads its partitions' logs from their
 * positions into the shared dispatcher and commits what the handlers finished every
 * COMMIT_INTERVAL_MS, on rebalance and on close, exactly as the Kafka subscription does.
 */
export class InProcessSubscription implements Subscription, GroupMember {
  readonly topics: readonly string[];
  readonly ready: Promise<void> = Promise.resolve();
  readonly #from: 'earliest' | 'latest';
  readonly #context: MemberContext;
  readonly #dispatcher: PartitionDispatcher;
  readonly #positions = new Map<string, Position>();
  readonly #commitTimer: NodeJS.Timeout;
  #pumpScheduled = false;
  #closing: Promise<void> | undefined;

  constructor(options: SubscribeOptions, handler: RecordHandler, context: MemberContext) {
    this.topics = [...options.topics];
    this.#from = options.from ?? 'latest';
    this.#context = context;
    this.#dispatcher = new PartitionDispatcher({
      handler,
      onError: (error, record) => options.onError?.(error, record),
    });
    this.#commitTimer = setInterval(() => this.flushCommits(), COMMIT_INTERVAL_MS).unref();
    // Joining rebalances the group at once, so the member is assigned before `ready` is read.
    context.group.join(this);
  }

  assigned(partitions: readonly TopicPartition[]): void {
    const keys = partitions.map(({ topic, partition }) => partitionKey(topic, partition));
    this.#dispatcher.assign(keys);
    const kept = new Map<string, Position>();
    partitions.forEach(({ topic, partition }, index) => {
      const log = this.#context.log(topic);
      let next = this.#positions.get(keys[index])?.next ?? this.#context.group.committed(topic, partition);
      if (next === undefined) {
        next = this.#from === 'earliest' ? 0n : log.end(partition);
        // The group keeps where it started, as the Kafka subscription commits it.
        this.#context.group.commit([{ topic, partition, offset: next }]);
      }
      kept.set(keys[index], { log, partition, next });
    });
    this.#positions.clear();
    for (const [key, position] of kept) this.#positions.set(key, position);
    this.notify();
  }

  async lag(): Promise<readonly PartitionLag[]> {
    if (this.#closing !== undefined) return [];
    return [...this.#positions.values()].map(({ log, partition }) => ({
      topic: log.name,
      partition,
      records: Number(log.end(partition) - (this.#context.group.committed(log.name, partition) ?? 0n)),
    }));
  }

  flushCommits(): void {
    const positions = this.#dispatcher.takeCommits();
    if (positions.length > 0) this.#context.group.commit(positions);
  }

  /** Called by the bus when records were appended to one of this member's topics. */
  notify(): void {
    if (this.#pumpScheduled || this.#closing !== undefined) return;
    this.#pumpScheduled = true;
    // Delivered on a later turn, as from a broker: never inside the producer's call.
    setImmediate(() => {
      this.#pumpScheduled = false;
      this.#pump();
    });
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      clearInterval(this.#commitTimer);
      await this.#dispatcher.stop();
      this.flushCommits();
      this.#leave();
    })();
    return this.#closing;
  }

  /** Test-only: dies without committing; its uncommitted records go to the next owners. */
  crash(): void {
    if (this.#closing !== undefined) return;
    this.#closing = Promise.resolve();
    clearInterval(this.#commitTimer);
    this.#dispatcher.abandon();
    this.#leave();
  }

  #leave(): void {
    this.#context.group.leave(this);
    this.#context.left(this);
  }

  #pump(): void {
    if (this.#closing !== undefined) return;
    for (const position of this.#positions.values()) {
      const end = position.log.end(position.partition);
      while (position.next < end) {
        if (this.#dispatcher.buffered >= MAX_BUFFERED_RECORDS) {
          void this.#dispatcher.whenBelow(MAX_BUFFERED_RECORDS / 2).then(() => this.notify());
          return;
        }
        this.#dispatcher.push(position.log.at(position.partition, position.next) as BusRecord);
        position.next++;
      }
    }
  }
}
