import { randomUUID } from 'node:crypto';
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, beforeEach, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DecisionRecord } from '../../src/store/decision-record.ts';
import { DecisionWriter, type WriterLogger } from '../../src/store/decision-writer.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import { FlakyStore } from './flaky-store.ts';
import { decision, tempFolder } from './helpers.ts';

const folder = await tempFolder();
after(() => folder.remove());

let n = 0;
let store: FlakyStore;
let spoolFile: string;
beforeEach(async () => {
  n++;
  const sqlite = new SqliteStore(path.join(folder.dir, `w${n}.db`));
  await sqlite.migrate();
  store = new FlakyStore(sqlite);
  spoolFile = path.join(folder.dir, `w${n}.spool.jsonl`);
});

async function countIn(records: DecisionRecord[]): Promise<number> {
  let found = 0;
  for (const record of records) found += (await store.trace(record.correlation_id))?.decisions.length ?? 0;
  return found;
}

function logger(): WriterLogger & { errors: string[] } {
  const errors: string[] = [];
  return { errors, warn: () => {}, error: (_fields, message) => errors.push(message) };
}

const make = (count: number) => Array.from({ length: count }, () => decision());

describe('DecisionWriter', () => {
  test('writes recorded decisions in batches and counts them', async () => {
    const writer = new DecisionWriter({ store, spoolFile, batchSize: 100, flushIntervalMs: 5 });
    const records = make(1_050);
    for (const record of records) writer.record(record);
    await sleep(200);
    assert.equal(writer.metrics().queue_depth, 0, 'written without waiting for close');
    await writer.close();
    assert.equal(await countIn(records), 1_050);
    const metrics = writer.metrics();
    assert.equal(metrics.rows_written, 1_050);
    assert.ok(metrics.batches_written >= 11);
    assert.equal(metrics.batch_latency_ms.count, metrics.batches_written);
    assert.equal(metrics.queue_depth, 0);
    assert.equal(metrics.spool_bytes, 0);
    await store.close();
  });

  test('while the store is down, decisions go to the spool and are replayed in order before new ones', async () => {
    const writer = new DecisionWriter({ store, spoolFile, batchSize: 50, flushIntervalMs: 5, retryBaseMs: 20, retryMaxMs: 40 });
    store.down = true;
    const during = make(300);
    for (const record of during) {
      const started = performance.now();
      writer.record(record);
      assert.ok(performance.now() - started < 5, 'record never waits');
    }
    await sleep(100);
    assert.ok(writer.metrics().spooling);
    assert.ok(writer.metrics().spool_bytes > 0);
    assert.ok(writer.metrics().write_errors > 0);
    store.down = false;
    const afterwards = make(100);
    for (const record of afterwards) writer.record(record);
    await writer.close();
    assert.deepEqual(store.writes, [...during, ...afterwards].map((r) => r.decision_id));
    assert.equal(await countIn([...during, ...afterwards]), 400);
    assert.equal(writer.metrics().spool_bytes, 0);
    assert.equal(statSync(spoolFile).size, 0);
    await store.close();
  });

  test('close during an outage spools the queue; a new writer replays the spool before new writes', async () => {
    store.down = true;
    const first = new DecisionWriter({ store, spoolFile, flushIntervalMs: 5 });
    const spooled = make(200);
    for (const record of spooled) first.record(record);
    await first.close();
    assert.equal(readFileSync(spoolFile, 'utf8').trim().split('\n').length, 200);

    store.down = false;
    // A crash mid-append leaves a torn last line; the restart drops it.
    appendFileSync(spoolFile, '{"decision_id":"torn');
    const second = new DecisionWriter({ store, spoolFile, flushIntervalMs: 5 });
    const fresh = make(50);
    for (const record of fresh) second.record(record);
    await second.close();
    assert.deepEqual(store.writes, [...spooled, ...fresh].map((r) => r.decision_id));
    assert.equal(await countIn([...spooled, ...fresh]), 250);
    await store.close();
  });

  test('past the spool disk limit, decisions are dropped, counted and logged', async () => {
    store.down = true;
    const log = logger();
    const writer = new DecisionWriter({ store, spoolFile, flushIntervalMs: 5, maxSpoolBytes: 20_000, logger: log });
    const records = make(100);
    for (const record of records) writer.record(record);
    await writer.close();
    const metrics = writer.metrics();
    const kept = readFileSync(spoolFile, 'utf8').trim().split('\n').length;
    assert.ok(kept > 0 && kept < 100);
    assert.equal(metrics.dropped_rows, 100 - kept);
    assert.ok(metrics.spool_bytes <= 20_000);
    assert.ok(log.errors.some((message) => /spool disk limit/.test(message)));
    await store.close();
  });

  test('comparisons recorded while the store is down are spooled with the decisions and land once', async () => {
    const writer = new DecisionWriter({ store, spoolFile, batchSize: 20, flushIntervalMs: 5, retryBaseMs: 20, retryMaxMs: 40 });
    store.down = true;
    const records = make(30);
    const comparisons = records.slice(0, 10).map((record) => ({
      comparison_id: randomUUID(), correlation_id: record.correlation_id, path_a: 'variant:b', path_b: 'control:a',
      agent_a: 'x', agent_b: 'y', confidence_a: 0.9, confidence_b: 0.8, match: false, time_a_ms: 2, time_b_ms: 1,
      compared_at: new Date().toISOString(),
    }));
    for (const [i, record] of records.entries()) {
      writer.record(record);
      if (i < comparisons.length) writer.record({ comparison: comparisons[i] });
    }
    await sleep(100);
    assert.ok(writer.metrics().spooling && writer.metrics().spool_bytes > 0);
    // A replay that half-landed before: the same rows again must not duplicate them.
    store.down = false;
    await store.inner.writeComparison(comparisons[0]);
    await writer.close();
    assert.equal(await countIn(records), 30);
    const traces = await Promise.all(records.slice(0, 10).map((record) => store.trace(record.correlation_id)));
    assert.deepEqual(traces.map((trace) => trace?.comparisons.length), Array(10).fill(1));
    assert.equal(writer.metrics().rows_written, 40);
    await store.close();
  });

  test('a row the store refuses is skipped and logged; the rest of its batch lands', async () => {
    const log = logger();
    const writer = new DecisionWriter({ store, spoolFile, batchSize: 10, flushIntervalMs: 5, logger: log });
    const records = make(10);
    store.poison.add(records[3].decision_id);
    for (const record of records) writer.record(record);
    await writer.close();
    assert.equal(writer.metrics().rejected_rows, 1);
    assert.equal(await countIn(records), 9);
    assert.deepEqual(log.errors, ['row rejected by the store']);
    await store.close();
  });

  test('decisions recorded after close are dropped and counted, never thrown', async () => {
    const writer = new DecisionWriter({ store, spoolFile });
    await writer.close();
    writer.record(decision());
    assert.equal(writer.metrics().dropped_rows, 1);
    await store.close();
  });

  test('a burst past the queue limit goes through the spool and is written whole', { timeout: 30_000 }, async () => {
    const writer = new DecisionWriter({ store, spoolFile, maxQueue: 1_000, batchSize: 100, flushIntervalMs: 5 });
    const records = make(20_000);
    for (const record of records) writer.record(record);
    assert.equal(await writer.settled(25_000), true);
    await writer.close();
    assert.equal(await countIn(records), 20_000);
    assert.equal(writer.metrics().dropped_rows, 0);
  });

  test('settled waits for what was recorded before the call, not for a queue that steady traffic never empties', async () => {
    const writer = new DecisionWriter({ store, spoolFile, batchSize: 50, flushIntervalMs: 5 });
    const first = make(200);
    for (const record of first) writer.record(record);
    // Traffic keeps coming while we wait.
    const traffic = setInterval(() => writer.record(decision()), 1);
    try {
      assert.equal(await writer.settled(5_000), true);
      assert.equal(await countIn(first), 200);
    } finally {
      clearInterval(traffic);
      await writer.close();
    }
  });
});
