import type { BusRecord, OutgoingRecord } from './bus.ts';
import { partitionForKey } from './murmur2.ts';

/**
 * One topic of the in-process bus: an append-only log per partition, offsets from 0,
 * records placed by Kafka's key hash. Nothing is ever deleted (no retention), which suits
 * an embedded bus whose topics live as long as the process.
 */
export class TopicLog {
  readonly name: string;
  readonly #partitions: BusRecord[][];

  constructor(name: string, partitions: number) {
    this.name = name;
    this.#partitions = Array.from({ length: partitions }, () => []);
  }

  get partitionCount(): number {
    return this.#partitions.length;
  }

  append(record: OutgoingRecord, timestamp: number): BusRecord {
    const partition = partitionForKey(record.key, this.#partitions.length);
    const log = this.#partitions[partition];
    // Frozen copies: every group reads the same objects, none may change them for the others.
    const stored: BusRecord = Object.freeze({
      topic: this.name,
      key: record.key,
      value: record.value,
      ...(record.headers !== undefined && { headers: Object.freeze({ ...record.headers }) }),
      partition,
      offset: BigInt(log.length),
      timestamp,
    });
    log.push(stored);
    return stored;
  }

  /** The offset the next record of `partition` will get. */
  end(partition: number): bigint {
    return BigInt(this.#partitions[partition].length);
  }

  at(partition: number, offset: bigint): BusRecord | undefined {
    return this.#partitions[partition][Number(offset)];
  }
}
