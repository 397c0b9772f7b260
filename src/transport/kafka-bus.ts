import { setTimeout as sleep } from 'node:timers/promises';
import { Admin, Producer, compatibilityPartitioner, stringSerializers } from '@platformatic/kafka';
import type { Bus, OutgoingRecord, RecordHandler, SubscribeOptions, Subscription } from './bus.ts';
import { innermostErrors, kafkaError } from './kafka-errors.ts';
import { BatchingProducer } from './kafka-producer.ts';
import { KafkaSubscription, type KafkaConsumerConfig } from './kafka-subscription.ts';

export interface KafkaBusOptions {
  /** Bootstrap brokers, `host:port`. */
  readonly brokers: readonly string[];
  readonly clientId?: string;
  /** How long a member that stopped heartbeating (SIGKILL) keeps its partitions; default 10 s. */
  readonly sessionTimeoutMs?: number;
}

/** How long createTopics waits for new topics to be usable. */
const TOPIC_READY_TIMEOUT_MS = 10_000;

/**
 * The Bus on a real Kafka broker through `@platformatic/kafka`. The producer is idempotent
 * with a bounded retry budget: without idempotence a send retried after a transient
 * NOT_LEADER_OR_FOLLOWER duplicated records (measured), and with idempotence alone the
 * client retries forever, so a send to a missing topic never settled. Keys are placed with
 * the Java client's murmur2 (`compatibilityPartitioner`), the same as foreign clients do.
 * Admin and producer connect on first use: a reply-only client never opens them.
 */
export class KafkaBus implements Bus {
  readonly #brokers: string[];
  readonly #clientId: string;
  readonly #consumerConfig: KafkaConsumerConfig;
  readonly #subscriptions = new Set<KafkaSubscription>();
  #admin: Admin | undefined;
  #producer: Producer<string, string, string, string> | undefined;
  #batching: BatchingProducer | undefined;
  #closed = false;

  constructor(options: KafkaBusOptions) {
    if (options.brokers.length === 0) throw new TypeError('KafkaBus needs at least one broker');
    this.#brokers = [...options.brokers];
    this.#clientId = options.clientId ?? 'switchboard';
    this.#consumerConfig = {
      clientId: this.#clientId,
      brokers: this.#brokers,
      sessionTimeoutMs: options.sessionTimeoutMs ?? 10_000,
    };
  }

  async createTopics(topics: readonly string[], partitions: number): Promise<void> {
    this.#checkOpen();
    // Short retries: admin answers settle within milliseconds here, the default waits 1 s.
    const admin = (this.#admin ??= new Admin({ clientId: this.#clientId, bootstrapBrokers: this.#brokers, retries: 10, retryDelay: 50 }));
    try {
      await admin.createTopics({ topics: [...topics], partitions, replicas: 1 });
    } catch (error) {
      if (!isOnlyAlreadyExists(error)) throw kafkaError(`creating topics ${topics.join(', ')}`, error);
    }
    await this.#waitUntilUsable(admin, topics);
  }

  async produce(records: readonly OutgoingRecord[]): Promise<void> {
    this.#checkOpen();
    this.#batching ??= new BatchingProducer(
      (this.#producer = new Producer({
        clientId: this.#clientId,
        bootstrapBrokers: this.#brokers,
        serializers: stringSerializers,
        partitioner: compatibilityPartitioner,
        idempotent: true,
        retries: 10,
        retryDelay: 200,
      })),
    );
    return this.#batching.send(records);
  }

  async subscribe(options: SubscribeOptions, handler: RecordHandler): Promise<Subscription> {
    this.#checkOpen();
    const subscription = new KafkaSubscription(options, handler, this.#consumerConfig, (member) =>
      this.#subscriptions.delete(member),
    );
    this.#subscriptions.add(subscription);
    return subscription;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#subscriptions].map((subscription) => subscription.close()));
    await Promise.all([this.#producer?.close(), this.#admin?.close()].map((closing) => closing?.catch(() => undefined)));
  }

  /**
   * A new topic is usable once each partition has a leader and answers ListOffsets: right
   * after creation it briefly does not, and a consumer's first ListOffsets failing then
   * costs it the client's retry delay (a subscription took 1 s to be ready instead of 20 ms).
   */
  async #waitUntilUsable(admin: Admin, topics: readonly string[]): Promise<void> {
    const deadline = Date.now() + TOPIC_READY_TIMEOUT_MS;
    for (;;) {
      try {
        const metadata = await admin.metadata({ topics: [...topics], forceUpdate: true });
        const partitions = topics.map((topic) => metadata.topics.get(topic)?.partitions ?? []);
        if (partitions.every((list) => list.length > 0 && list.every((p) => p.leader >= 0))) {
          await admin.listOffsets({
            topics: topics.map((name, i) => ({
              name,
              partitions: partitions[i].map((_, partitionIndex) => ({ partitionIndex, timestamp: -1n })),
            })),
          });
          return;
        }
      } catch (error) {
        if (Date.now() > deadline) throw kafkaError(`waiting for topics ${topics.join(', ')}`, error);
      }
      if (Date.now() > deadline) throw kafkaError(`waiting for topics ${topics.join(', ')}`, 'no partition leaders');
      await sleep(20);
    }
  }

  #checkOpen(): void {
    if (this.#closed) throw kafkaError('using the bus', 'it is closed');
  }
}

/** Test-only: makes a Kafka member die without committing (at-least-once checks). */
export function simulateCrash(subscription: Subscription): Promise<void> {
  if (!(subscription instanceof KafkaSubscription)) throw new TypeError('not a Kafka subscription');
  return subscription.crash();
}

/** Whether every topic that failed to be created failed only because it exists already. */
function isOnlyAlreadyExists(error: unknown): boolean {
  return innermostErrors(error).every((inner) => (inner as { apiId?: unknown }).apiId === 'TOPIC_ALREADY_EXISTS');
}
