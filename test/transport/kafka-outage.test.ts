import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { KafkaBus } from '../../src/transport/kafka-bus.ts';
import { describe } from '../../src/transport/kafka-errors.ts';
import { partitionForKey } from '../../src/transport/murmur2.ts';
import { kafkaForTests, missingTools, startTestBroker } from '../support/kafka.ts';

/**
 * A broker outage long enough for the Kafka client to give its consume stream up ("fetch
 * failed 4 times", ~12 s here): the subscription must read again once the broker is back,
 * from where the group was, so that a record produced right after the restart arrives
 * even on a partition that never had a committed record. Runs on a broker of its own
 * (stopping the run's broker would break the other test files) and takes 25-50 s, so it
 * runs in CI and with SWITCHBOARD_SLOW_TESTS=1, and is skipped with a note otherwise.
 */
const OUTAGE_MS = 15_000;

const skip = await whySkip();

test('a subscription reads again after a broker outage, from where its group was', { skip, timeout: 180_000 }, async (t) => {
  const broker = await startTestBroker();
  const bus = new KafkaBus({ brokers: broker.brokers, clientId: 'switchboard-outage-test' });
  t.after(async () => {
    await bus.close();
    await broker.dispose();
  });
  const topic = 'outage';
  await bus.createTopics([topic], 3);
  assert.notEqual(partitionForKey('before', 3), partitionForKey('after', 3), 'precondition: "after" goes to a partition never committed');
  const errors: unknown[] = [];
  const got: string[] = [];
  const subscription = await bus.subscribe({ groupId: 'outage', topics: [topic], onError: (error) => errors.push(error) }, async (record) => {
    got.push(record.value);
  });
  await subscription.ready;
  await bus.produce([{ topic, key: 'before', value: 'before' }]);
  await until(() => got.length === 1, 'the record before the outage', 10_000);

  await broker.stop();
  await sleep(OUTAGE_MS);
  await broker.start();
  const restarted = Date.now();
  // The producer's own retries (10 × 200 ms) may not cover the broker's first seconds back.
  await until(async () => bus.produce([{ topic, key: 'after', value: 'after' }]).then(() => true, () => false), 'a produce', 30_000);
  await until(() => got.length === 2, 'the record after the outage', 30_000);
  t.diagnostic(`delivered ${Date.now() - restarted} ms after the broker answered again; errors reported: ${errors.map(describe).join(' | ')}`);
  assert.deepEqual(got, ['before', 'after']);
  assert.ok(errors.length > 0, 'the outage was reported through onError');
});

async function whySkip(): Promise<string | false> {
  const kafka = kafkaForTests();
  if ('skip' in kafka) return kafka.skip;
  const ci = process.env.CI === 'true' || process.env.CI === '1';
  if (!ci && process.env.SWITCHBOARD_SLOW_TESTS !== '1') return 'slow (25-50 s): runs in CI or with SWITCHBOARD_SLOW_TESTS=1';
  const missing = await missingTools();
  if (missing.length === 0) return false;
  if (ci) throw new Error(`CI=true: the outage test must run, but ${missing.join(' and ')} not found`);
  return `${missing.join(' and ')} not found (this test runs a broker of its own)`;
}

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}
