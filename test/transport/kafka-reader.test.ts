import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BusRecord } from '../../src/transport/bus.ts';
import { KafkaBus } from '../../src/transport/kafka-bus.ts';
import { KafkaReader, type PartitionRange } from '../../src/transport/kafka-reader.ts';
import { kafkaForTests } from '../support/kafka.ts';

const kafka = kafkaForTests();
const HALF = 750;

describe('KafkaReader', { skip: 'skip' in kafka ? kafka.skip : undefined, timeout: 60_000 }, () => {
  if ('skip' in kafka) return;
  const topic = `reader-test-${randomUUID().slice(0, 8)}`;
  const reader = new KafkaReader({ brokers: kafka.brokers });
  let middle: Date;
  let ends: bigint[];

  const produce = (bus: KafkaBus, from: number) =>
    bus.produce(Array.from({ length: HALF }, (_, i) => ({ topic, key: `key-${from + i}`, value: String(from + i) })));
  const readAll = async (ranges: PartitionRange[]) => {
    const records: BusRecord[] = [];
    for await (const record of reader.read(topic, ranges)) records.push(record);
    return records;
  };
  const sorted = (records: BusRecord[]) => records.map((record) => Number(record.value)).sort((a, b) => a - b);

  before(async () => {
    const bus = new KafkaBus({ brokers: kafka.brokers, clientId: 'reader-test' });
    try {
      await bus.createTopics([topic], 3);
      await produce(bus, 0);
      await sleep(20);
      middle = new Date();
      await sleep(20);
      await produce(bus, HALF);
    } finally {
      await bus.close();
    }
    ends = await reader.endOffsets(topic);
  });
  after(() => reader.close());

  test('reads every record of every partition once, in offset order, and ends', async () => {
    assert.equal(ends.length, 3);
    assert.equal(ends.reduce((sum, end) => sum + end, 0n), BigInt(2 * HALF));
    const records = await readAll(ends.map((to, partition) => ({ partition, from: 0n, to })));
    assert.deepEqual(sorted(records), Array.from({ length: 2 * HALF }, (_, i) => i));
    for (let partition = 0; partition < 3; partition++) {
      const offsets = records.filter((record) => record.partition === partition).map((record) => record.offset);
      assert.deepEqual(offsets, Array.from({ length: Number(ends[partition]) }, (_, i) => BigInt(i)));
    }
  });

  test('reads only the offsets asked for; empty ranges read nothing', async () => {
    const records = await readAll(ends.map((to, partition) => (partition === 1 ? { partition, from: 10n, to: 20n } : { partition, from: to, to })));
    assert.deepEqual(records.map((record) => [record.partition, record.offset]), Array.from({ length: 10 }, (_, i) => [1, BigInt(10 + i)]));
    assert.deepEqual(await readAll(ends.map((to, partition) => ({ partition, from: to, to }))), []);
  });

  test('offsetsAt finds the first record at or after a time; after the last one, the end', async () => {
    const starts = await reader.offsetsAt(topic, middle);
    const records = await readAll(ends.map((to, partition) => ({ partition, from: starts[partition], to })));
    assert.deepEqual(sorted(records), Array.from({ length: HALF }, (_, i) => HALF + i));
    assert.deepEqual(await reader.offsetsAt(topic, new Date(Date.now() + 60_000)), ends);
  });
});
