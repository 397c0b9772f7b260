import { randomUUID } from 'node:crypto';
import {
  Consumer, ListOffsetTimestamps, MessagesStreamFallbackModes, MessagesStreamModes, stringDeserializers, type Message,
} from '@platformatic/kafka';
import type { BusRecord } from './bus.ts';
import { kafkaError } from './kafka-errors.ts';
import { toBusRecord } from './kafka-subscription.ts';

type StringConsumer = Consumer<string, string, string, string>;

/** Offsets `from` (inclusive) to `to` (exclusive) of one partition. */
export interface PartitionRange {
  readonly partition: number;
  readonly from: bigint;
  readonly to: bigint;
}

/**
 * Bounded reads of a topic, outside any consumer group's progress: what `replay` needs,
 * where the Bus (src/transport/bus.ts) offers only open-ended group subscriptions. Nothing
 * is committed, so no group's position moves.
 */
export class KafkaReader {
  readonly #brokers: string[];
  readonly #clientId: string;
  /** Only for offset look-ups, which need no group; reads get a consumer of their own. */
  #lookups: StringConsumer | undefined;

  constructor(options: { readonly brokers: readonly string[]; readonly clientId?: string }) {
    this.#brokers = [...options.brokers];
    this.#clientId = options.clientId ?? 'switchboard-reader';
  }

  /** Each partition's end offset: where its next record will go. */
  endOffsets(topic: string): Promise<bigint[]> {
    return this.#listOffsets(topic, ListOffsetTimestamps.LATEST);
  }

  /** Each partition's first offset whose record is at or after `time`; its end offset when none is. */
  async offsetsAt(topic: string, time: Date): Promise<bigint[]> {
    const [at, end] = await Promise.all([this.#listOffsets(topic, BigInt(time.getTime())), this.endOffsets(topic)]);
    return at.map((offset, partition) => (offset < 0n ? end[partition] : offset));
  }

  /**
   * The records in `ranges`, in offset order within each partition; ends once every range is
   * read. Give every partition of the topic a range (an empty one, `from` = `to`, for those not
   * wanted): a partition left out would be read from its start and its records dropped.
   */
  async *read(topic: string, ranges: readonly PartitionRange[]): AsyncGenerator<BusRecord> {
    const pending = ranges.filter((range) => range.from < range.to);
    if (pending.length === 0) return;
    // consume() works through a group: one of its own, alone in it, is assigned every partition.
    const consumer: StringConsumer = new Consumer({
      clientId: this.#clientId,
      groupId: `${this.#clientId}-${randomUUID()}`,
      bootstrapBrokers: this.#brokers,
      deserializers: stringDeserializers,
      autocommit: false,
      minBytes: 1,
      // How long a fetch at the end of a partition waits before answering empty.
      maxWaitTime: 200,
    });
    try {
      const stream = await consumer.consume({
        topics: [topic],
        mode: MessagesStreamModes.MANUAL,
        offsets: ranges.map(({ partition, from, to }) => ({ topic, partition, offset: from < to ? from : to })),
        // A start already deleted by retention reads from the oldest record kept.
        fallbackMode: MessagesStreamFallbackModes.EARLIEST,
        autocommit: false,
      });
      const end = new Map(pending.map((range) => [range.partition, range.to]));
      const next = new Map(pending.map((range) => [range.partition, range.from]));
      // A partition that ends in records a reader never sees (transaction markers) is done by
      // its fetch position instead. close() is safe only while the stream holds no record: it
      // would drop them under an iterator.
      stream.on('fetch', () => {
        const passed = pending.every(({ partition, to }) => (stream.offsetsToFetch.get(`${topic}:${partition}`) ?? -1n) >= to);
        if (passed && stream.readableLength === 0) void stream.close();
      });
      for await (const message of stream as AsyncIterable<Message<string, string, string, string>>) {
        const to = end.get(message.partition);
        if (to === undefined || message.offset >= to) continue;
        next.set(message.partition, message.offset + 1n);
        yield toBusRecord(message);
        if (pending.every(({ partition, to: last }) => next.get(partition)! >= last)) return;
      }
    } catch (error) {
      throw kafkaError(`reading ${topic}`, error);
    } finally {
      await consumer.close(true).catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    await this.#lookups?.close(true).catch(() => undefined);
  }

  async #listOffsets(topic: string, timestamp: bigint): Promise<bigint[]> {
    this.#lookups ??= new Consumer({
      clientId: this.#clientId,
      groupId: `${this.#clientId}-lookups`,
      bootstrapBrokers: this.#brokers,
      deserializers: stringDeserializers,
    });
    try {
      const offsets = await this.#lookups.listOffsets({ topics: [topic], timestamp });
      return offsets.get(topic) ?? [];
    } catch (error) {
      throw kafkaError(`listing the offsets of ${topic}`, error);
    }
  }
}
