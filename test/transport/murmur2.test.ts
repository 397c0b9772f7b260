import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { compatibilityPartitioner } from '@platformatic/kafka';
import { murmur2, partitionForKey } from '../../src/transport/murmur2.ts';

// Utils.murmur2 of kafka-clients 4.1.1 (the first six are also Kafka's own UtilsTest cases).
const JAVA_MURMUR2: readonly [string, number][] = [
  ['21', -973932308],
  ['foobar', -790332482],
  ['a-little-bit-long-string', -985981536],
  ['a-little-bit-longer-string', -1486304829],
  ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
  ['abc', 479470107],
  ['', 275646681],
  ['3f2504e0-4f89-41d3-9a0c-0305e82c3301', -28123860],
  ['héllo-wörld-✓', 948730279],
];

test("murmur2 equals the Java client's Utils.murmur2 over UTF-8 bytes", () => {
  for (const [key, hash] of JAVA_MURMUR2) assert.equal(murmur2(new TextEncoder().encode(key)), hash, key);
});

test("partitionForKey agrees with the Kafka client's compatibilityPartitioner", () => {
  for (let i = 0; i < 2_000; i++) {
    const key = i % 2 === 0 ? randomUUID() : `key-${i}-${'é'.repeat(i % 7)}`;
    const partitions = 1 + (i % 24);
    const expected = compatibilityPartitioner({ topic: 't', key }, Buffer.from(key)) % partitions;
    assert.equal(partitionForKey(key, partitions), expected, key);
  }
});
