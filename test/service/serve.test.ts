/**
 * The whole service in-process (startService on the in-process bus, HTTP on a free port):
 * both ways in give the same decision, each decision is published once, and stop() closes
 * everything.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { RoutingResult } from '../../src/contracts/routing.ts';
import { startService } from '../../src/service/serve.ts';
import type { BusRecord } from '../../src/transport/bus.ts';
import { topicNames } from '../../src/contracts/topics.ts';
import { COMMIT, REGISTRY, sample, silent } from './helpers.ts';

async function until<T>(find: () => T | undefined | Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const found = await find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) assert.fail(`no ${what} within 5 s`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function stable(result: RoutingResult) {
  return { ...result, routing_metadata: { ...result.routing_metadata, routing_time_ms: 0, cache_hit: false } };
}

test('answers over HTTP and the bus alike, publishes a decision event for each, and stops cleanly', async (t) => {
  const running = await startService({
    logger: silent,
    registry: [REGISTRY],
    strategy: 'lexical',
    httpPort: 0,
    topicPrefix: 'serve-test',
    decisionEvents: true,
  });
  let stopped = false;
  t.after(() => (stopped ? undefined : running.stop()));
  const topics = topicNames('serve-test');
  const seen: BusRecord[] = [];
  await running.bus.subscribe({ groupId: 'observer', topics: [topics.completed, topics.decision], from: 'earliest' }, async (record) => {
    seen.push(record);
  });

  const health = (await (await fetch(new URL('/health', running.url))).json()) as { bus: unknown };
  assert.deepEqual(health.bus, { kind: 'in-process', state: 'consuming', group_id: 'switchboard-router', topic: topics.requested });

  const request = { user_request: COMMIT, options: { max_recommendations: 3 } };
  const response = await fetch(new URL('/route', running.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) });
  assert.equal(response.status, 200);
  const overHttp = (await response.json()) as RoutingResult;
  const httpDecision = await until(
    () => seen.find((record) => record.topic === topics.decision && JSON.parse(record.value).payload.routing_path === 'http'),
    'decision event for the HTTP request',
  );
  const httpEvent = JSON.parse(httpDecision.value);
  assert.equal(httpEvent.payload.transport, 'http');
  assert.deepEqual(httpEvent.payload.result, overHttp);

  const correlationId = randomUUID();
  const envelope = {
    event_id: randomUUID(),
    event_type: 'AGENT_ROUTING_REQUESTED',
    correlation_id: correlationId,
    timestamp: new Date().toISOString(),
    service: 'test',
    deadline: new Date(Date.now() + 10_000).toISOString(),
    payload: request,
  };
  await running.bus.produce([{ topic: topics.requested, key: correlationId, value: JSON.stringify(envelope) }]);
  const reply = await until(() => seen.find((record) => record.topic === topics.completed && record.key === correlationId), 'reply');
  assert.deepEqual(stable(JSON.parse(reply.value).payload), stable(overHttp));
  await until(() => seen.find((record) => record.topic === topics.decision && record.key === correlationId), 'decision event for the bus request');

  await running.stop();
  stopped = true;
  await assert.rejects(fetch(new URL('/health', running.url)));
});

test('publishes no decision events on the in-process bus by default (it keeps every record)', async (t) => {
  const running = await startService({ logger: silent, registry: [REGISTRY], strategy: 'lexical', httpPort: 0, topicPrefix: 'embedded-test' });
  t.after(() => running.stop());
  const topics = topicNames('embedded-test');
  const seen: BusRecord[] = [];
  await running.bus.subscribe({ groupId: 'observer', topics: [topics.completed, topics.decision], from: 'earliest' }, async (record) => {
    seen.push(record);
  });
  const response = await fetch(new URL('/route', running.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user_request: COMMIT }),
  });
  assert.equal(response.status, 200);
  const correlationId = randomUUID();
  const envelope = { event_id: randomUUID(), event_type: 'AGENT_ROUTING_REQUESTED', correlation_id: correlationId, timestamp: new Date().toISOString(), service: 'test', payload: { user_request: COMMIT } };
  await running.bus.produce([{ topic: topics.requested, key: correlationId, value: JSON.stringify(envelope) }]);
  await until(() => seen.find((record) => record.key === correlationId), 'reply');
  assert.deepEqual(seen.map((record) => record.topic), [topics.completed]);
});

test("/metrics shows the request consumer's lag for every partition it owns, 0 once it has answered", async (t) => {
  const running = await startService({ logger: silent, registry: [REGISTRY], strategy: 'lexical', httpPort: 0, topicPrefix: 'lag-test', partitions: 3 });
  t.after(() => running.stop());
  const topics = topicNames('lag-test');
  const replies: BusRecord[] = [];
  await running.bus.subscribe({ groupId: 'observer', topics: [topics.completed], from: 'earliest' }, async (record) => void replies.push(record));
  const ids = Array.from({ length: 5 }, () => randomUUID());
  await running.bus.produce(
    ids.map((correlationId) => ({
      topic: topics.requested,
      key: correlationId,
      value: JSON.stringify({
        event_id: randomUUID(),
        event_type: 'AGENT_ROUTING_REQUESTED',
        correlation_id: correlationId,
        timestamp: new Date().toISOString(),
        service: 'test',
        payload: { user_request: COMMIT },
      }),
    })),
  );
  await until(() => (replies.length === ids.length ? true : undefined), 'the replies');
  const lag = async () => {
    const text = await (await fetch(new URL('/metrics', running.url))).text();
    return [0, 1, 2].map((partition) => {
      const labels = { topic: topics.requested, partition: String(partition) };
      const present = text.includes(`switchboard_consumer_lag_records{topic="${labels.topic}",partition="${labels.partition}"}`);
      return { partition, present, value: sample(text, 'switchboard_consumer_lag_records', labels) };
    });
  };
  // Commits follow the replies within a commit interval (100 ms).
  const settled = await until(async () => {
    const now = await lag();
    return now.every(({ present, value }) => present && value === 0) ? now : undefined;
  }, 'every partition at lag 0');
  assert.equal(settled.length, 3);
});
