import type { Bus, OutgoingRecord, RecordHandler, SubscribeOptions, Subscription } from './bus.ts';
import { SwitchboardError } from '../errors.ts';
import { InProcessGroup } from './in-process-group.ts';
import { TopicLog } from './in-process-log.ts';
import { InProcessSubscription } from './in-process-subscription.ts';

/**
 * The embedded bus: Kafka's semantics inside one process (topics with partitions, records
 * placed by the Java client's key hash, consumer groups that rebalance on join and leave,
 * offsets committed after the handler, uncommitted records redelivered to the next owner),
 * so that the service and the client run unchanged without a broker and tests written
 * against it predict Kafka. Nothing survives the process.
 */
export class InProcessBus implements Bus {
  readonly #topics = new Map<string, TopicLog>();
  readonly #groups = new Map<string, InProcessGroup>();
  readonly #subscriptions = new Set<InProcessSubscription>();
  #closed = false;

  async createTopics(topics: readonly string[], partitions: number): Promise<void> {
    this.#checkOpen();
    if (!Number.isInteger(partitions) || partitions < 1) throw new RangeError(`partitions must be a positive integer, got ${partitions}`);
    for (const topic of topics) {
      if (!this.#topics.has(topic)) this.#topics.set(topic, new TopicLog(topic, partitions));
    }
  }

  async produce(records: readonly OutgoingRecord[]): Promise<void> {
    this.#checkOpen();
    // All or nothing, like one produce request that fails on an unknown topic.
    for (const record of records) this.#log(record.topic);
    const now = Date.now();
    const touched = new Set<string>();
    for (const record of records) {
      this.#log(record.topic).append(record, now);
      touched.add(record.topic);
    }
    for (const subscription of this.#subscriptions) {
      if (subscription.topics.some((topic) => touched.has(topic))) subscription.notify();
    }
  }

  async subscribe(options: SubscribeOptions, handler: RecordHandler): Promise<Subscription> {
    this.#checkOpen();
    for (const topic of options.topics) this.#log(topic);
    let group = this.#groups.get(options.groupId);
    if (group === undefined) {
      group = new InProcessGroup((topic) => this.#log(topic).partitionCount);
      this.#groups.set(options.groupId, group);
    }
    const subscription = new InProcessSubscription(options, handler, {
      group,
      log: (topic) => this.#log(topic),
      left: (member) => this.#subscriptions.delete(member),
    });
    this.#subscriptions.add(subscription);
    return subscription;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#subscriptions].map((subscription) => subscription.close()));
  }

  #log(topic: string): TopicLog {
    const log = this.#topics.get(topic);
    if (log === undefined) throw new SwitchboardError('SERVICE_UNAVAILABLE', `unknown topic ${topic} (create it first)`);
    return log;
  }

  #checkOpen(): void {
    if (this.#closed) throw new SwitchboardError('SERVICE_UNAVAILABLE', 'the in-process bus is closed');
  }
}

/** Test-only: makes an in-process member die without committing (at-least-once checks). */
export function simulateCrash(subscription: Subscription): void {
  if (!(subscription instanceof InProcessSubscription)) throw new TypeError('not an in-process subscription');
  subscription.crash();
}
