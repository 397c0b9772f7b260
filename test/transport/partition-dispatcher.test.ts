import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BusRecord, RecordHandler } from '../../src/transport/bus.ts';
import { PartitionDispatcher, partitionKey } from '../../src/transport/partition-dispatcher.ts';

const record = (partition: number, offset: number, topic = 't'): BusRecord => ({
  topic,
  partition,
  offset: BigInt(offset),
  key: `k${partition}`,
  value: `${partition}:${offset}`,
  timestamp: 0,
});

function dispatcher(handler: RecordHandler, onError: (error: unknown) => void = () => undefined) {
  return new PartitionDispatcher({ handler, onError, retryDelayMs: 5, maxRetryDelayMs: 20 });
}

const offsets = (d: PartitionDispatcher) =>
  Object.fromEntries(d.takeCommits().map((p) => [`${p.topic}:${p.partition}`, p.offset]));

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; !condition(); i++) {
    if (i > 1_000) throw new Error('timed out');
    await sleep(2);
  }
}

test('one record at a time per partition, in order; partitions run side by side', async () => {
  const gate = Promise.withResolvers<void>();
  const seen: string[] = [];
  const d = dispatcher(async (r) => {
    seen.push(r.value);
    if (r.value === '0:0') await gate.promise;
  });
  for (const r of [record(0, 0), record(0, 1), record(1, 0), record(1, 1)]) d.push(r);
  await until(() => seen.length === 3);
  assert.deepEqual(seen, ['0:0', '1:0', '1:1'], 'partition 1 is not held up by partition 0');
  assert.deepEqual(offsets(d), { 't:1': 2n }, 'only finished records are committable');
  gate.resolve();
  await until(() => seen.length === 4);
  await d.stop();
  assert.deepEqual(offsets(d), { 't:0': 2n });
});

test('a rejected record is retried with growing delays before the next one, and each failure reported', async () => {
  const attempts: number[] = [];
  const errors: unknown[] = [];
  const d = dispatcher(async (r) => {
    if (r.offset === 0n) {
      attempts.push(performance.now());
      if (attempts.length < 4) throw new Error(`attempt ${attempts.length}`);
    }
  }, (error) => errors.push(error));
  d.push(record(0, 0));
  d.push(record(0, 1));
  await until(() => d.buffered === 0);
  assert.equal(attempts.length, 4);
  assert.deepEqual(errors.map((e) => (e as Error).message), ['attempt 1', 'attempt 2', 'attempt 3']);
  const gaps = attempts.slice(1).map((t, i) => t - attempts[i]);
  assert.ok(gaps[2] >= gaps[0], `delays grow: ${gaps.map((g) => g.toFixed(1))}`);
  assert.deepEqual(offsets(d), { 't:0': 2n });
});

test('records already seen on a partition are skipped (a refetch after a rebalance)', async () => {
  const seen: string[] = [];
  const d = dispatcher(async (r) => void seen.push(r.value));
  assert.equal(d.push(record(0, 5)), true);
  assert.equal(d.push(record(0, 6)), true);
  assert.equal(d.push(record(0, 5)), false);
  assert.equal(d.push(record(0, 7)), true);
  await until(() => seen.length === 3);
  assert.deepEqual(seen, ['0:5', '0:6', '0:7']);
});

test('a revoked partition: queue dropped, the record in flight finishes but is not committed', async () => {
  const gate = Promise.withResolvers<void>();
  const seen: string[] = [];
  const d = dispatcher(async (r) => {
    seen.push(r.value);
    if (r.value === '0:1') await gate.promise;
  });
  d.assign([partitionKey('t', 0), partitionKey('t', 1)]);
  for (const r of [record(0, 0), record(0, 1), record(0, 2), record(1, 0)]) d.push(r);
  await until(() => seen.length === 3);
  d.assign([partitionKey('t', 1)]);
  assert.equal(d.push(record(0, 3)), false, 'records of a partition not owned are refused');
  gate.resolve();
  await sleep(20);
  assert.deepEqual(seen.sort(), ['0:0', '0:1', '1:0'], '0:2 was dropped');
  assert.deepEqual(offsets(d), { 't:1': 1n }, 'nothing of the revoked partition');
  assert.equal(d.buffered, 0);
});

test('a partition given back waits for its old handler before the next one starts', async () => {
  const gate = Promise.withResolvers<void>();
  const events: string[] = [];
  const d = dispatcher(async (r) => {
    events.push(`start ${r.value}`);
    if (r.value === '0:0') await gate.promise;
    events.push(`end ${r.value}`);
  });
  d.assign([partitionKey('t', 0)]);
  d.push(record(0, 0));
  await until(() => events.length === 1);
  d.assign([]);
  d.assign([partitionKey('t', 0)]);
  d.push(record(0, 0));
  await sleep(20);
  assert.deepEqual(events, ['start 0:0']);
  gate.resolve();
  await until(() => events.length === 4);
  assert.deepEqual(events, ['start 0:0', 'end 0:0', 'start 0:0', 'end 0:0']);
});

test('stop waits for handlers in flight and keeps their positions; abandon keeps nothing', async () => {
  const gate = Promise.withResolvers<void>();
  const seen: string[] = [];
  const d = dispatcher(async (r) => {
    seen.push(r.value);
    await gate.promise;
  });
  d.push(record(0, 0));
  d.push(record(0, 1));
  await until(() => seen.length === 1);
  let stopped = false;
  const stopping = d.stop().then(() => (stopped = true));
  await sleep(10);
  assert.equal(stopped, false);
  gate.resolve();
  await stopping;
  assert.deepEqual(seen, ['0:0']);
  assert.deepEqual(offsets(d), { 't:0': 1n });
  assert.equal(d.push(record(0, 2)), false);

  const crashed = dispatcher(async () => undefined);
  crashed.push(record(0, 0));
  await until(() => crashed.buffered === 0);
  crashed.abandon();
  assert.deepEqual(crashed.takeCommits(), []);
});

test('a stop cancels a retry wait instead of sitting it out', async () => {
  const d = new PartitionDispatcher({
    handler: async () => Promise.reject(new Error('down')),
    onError: () => undefined,
    retryDelayMs: 60_000,
  });
  d.push(record(0, 0));
  await sleep(5);
  const started = performance.now();
  await d.stop();
  assert.ok(performance.now() - started < 1_000);
  assert.deepEqual(d.takeCommits(), []);
});

test('a seed is committable only for a partition not read yet; failed commits come back unless superseded', async () => {
  const d = dispatcher(async () => undefined);
  d.assign([partitionKey('t', 0), partitionKey('t', 1)]);
  d.push(record(0, 4));
  await until(() => d.buffered === 0);
  d.seed({ topic: 't', partition: 0, offset: 0n });
  d.seed({ topic: 't', partition: 1, offset: 9n });
  d.seed({ topic: 't', partition: 2, offset: 9n });
  const taken = d.takeCommits();
  assert.deepEqual(Object.fromEntries(taken.map((p) => [p.partition, p.offset])), { 0: 5n, 1: 9n });
  d.push(record(0, 5));
  await until(() => d.buffered === 0);
  d.restoreCommits(taken);
  assert.deepEqual(offsets(d), { 't:0': 6n, 't:1': 9n });
});

test('whenBelow resolves once the buffer has room', async () => {
  const gate = Promise.withResolvers<void>();
  const d = dispatcher(() => gate.promise);
  for (let i = 0; i < 5; i++) d.push(record(0, i));
  let resolved = false;
  const room = d.whenBelow(3).then(() => (resolved = true));
  await sleep(10);
  assert.equal(resolved, false);
  gate.resolve();
  await room;
  assert.ok(d.buffered < 3);
});
