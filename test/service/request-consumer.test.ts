/**
 * The service's request consumer on the in-process bus: replies, malformed input, expired
 * deadlines and redeliveries, as a client on the other side of the bus sees them.
 */
import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { openRouter } from '../../src/open-router.ts';
import { topicNames } from '../../src/contracts/topics.ts';
import { DecisionEvents } from '../../src/service/decision-events.ts';
import { RequestConsumer } from '../../src/service/request-consumer.ts';
import type { RoutingService } from '../../src/service/routing-service.ts';
import type { BusRecord } from '../../src/transport/bus.ts';
import { InProcessBus } from '../../src/transport/in-process-bus.ts';
import { COMMIT, REGISTRY, openService, sample, silent } from './helpers.ts';

interface Envelope {
  event_id: string;
  event_type: string;
  correlation_id: string;
  timestamp: string;
  service: string;
  payload: Record<string, unknown>;
}

function requestEnvelope(payload: unknown, overrides: Record<string, unknown> = {}) {
  return {
    event_id: randomUUID(),
    event_type: 'AGENT_ROUTING_REQUESTED',
    correlation_id: randomUUID(),
    timestamp: new Date().toISOString(),
    service: 'test-client',
    deadline: new Date(Date.now() + 30_000).toISOString(),
    payload,
    ...overrides,
  };
}

function startConsumer(bus: InProcessBus, service: RoutingService, topics: ReturnType<typeof topicNames>, groupId = 'switchboard-router') {
  const decisions = new DecisionEvents({ bus, busKind: 'in-process', topics, metrics: service.metrics, logger: silent, publish: true });
  return RequestConsumer.start(bus, service, { kind: 'in-process', groupId, topics, decisions, logger: silent });
}

/** A service, its consumer on a fresh in-process bus, and a client that sends and collects replies. */
async function setup(t: TestContext) {
  const bus = new InProcessBus();
  const service = await openService();
  const topics = topicNames();
  await bus.createTopics(Object.values(topics), 3);
  const consumer = await startConsumer(bus, service, topics);
  t.after(async () => {
    await consumer.stop();
    await bus.close();
  });
  const received: BusRecord[] = [];
  const waiters: (() => void)[] = [];
  const client = await bus.subscribe(
    { groupId: `client-${randomUUID()}`, topics: [topics.completed, topics.failed, topics.decision], from: 'earliest' },
    async (record) => {
      received.push(record);
      for (const wake of waiters.splice(0)) wake();
    },
  );
  /** Replies (completed or failed), not decision events. */
  const replies = () => received.filter((record) => record.topic !== topics.decision);
  const decisionsFor = (correlationId: string) =>
    received.filter((record) => record.topic === topics.decision && record.key === correlationId).map((record) => JSON.parse(record.value) as Envelope);
  await client.ready;

  /** Sends a raw record value keyed by `key` (the correlation id, for a well-formed request). */
  const sendRaw = (value: string, key: string) => bus.produce([{ topic: topics.requested, key, value }]);
  const send = (envelope: { correlation_id: unknown }, key = String(envelope.correlation_id)) => sendRaw(JSON.stringify(envelope), key);
  /** Resolves with the replies for `correlationId` once there are `count` of them (5 s at most). */
  const repliesFor = async (correlationId: string, count = 1): Promise<{ record: BusRecord; envelope: Envelope }[]> => {
    const deadline = Date.now() + 5_000;
    for (;;) {
      const found = replies().filter((record) => record.key === correlationId);
      if (found.length >= count) return found.map((record) => ({ record, envelope: JSON.parse(record.value) as Envelope }));
      if (Date.now() > deadline) assert.fail(`${found.length} of ${count} replies for ${correlationId} within 5 s`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  };
  /** Sends a good request on `key`'s partition and waits for its answer: everything sent before on that key was handled. */
  const barrier = async (key: string) => {
    const envelope = requestEnvelope({ user_request: COMMIT });
    await send(envelope, key);
    const [reply] = await repliesFor(envelope.correlation_id);
    return reply;
  };
  const metrics = () => service.metrics.registry.metrics();
  return { bus, service, topics, replies, decisionsFor, send, sendRaw, repliesFor, barrier, metrics };
}

describe('request consumer', { timeout: 30_000 }, () => {
  test('answers a request on the completed topic with its correlation id, keyed by it, with the router decision', async (t) => {
    const { send, repliesFor, topics } = await setup(t);
    const request = { user_request: COMMIT, context: { domain: 'version_control' }, options: { max_recommendations: 2 } };
    const envelope = requestEnvelope(request);
    await send(envelope);
    const [{ record, envelope: reply }] = await repliesFor(envelope.correlation_id);
    assert.equal(record.topic, topics.completed);
    assert.equal(record.key, envelope.correlation_id);
    assert.equal(reply.event_type, 'AGENT_ROUTING_COMPLETED');
    assert.equal(reply.correlation_id, envelope.correlation_id);
    assert.notEqual(reply.event_id, envelope.event_id);
    assert.ok(!Number.isNaN(Date.parse(reply.timestamp)));
    const { router } = await openRouter([REGISTRY], { defaultStrategy: 'lexical', cache: false });
    const expected = await router.route(request);
    const strip = (result: Record<string, unknown>) => ({ ...result, routing_metadata: { ...(result.routing_metadata as object), routing_time_ms: 0, cache_hit: false } });
    assert.deepEqual(strip(reply.payload), strip(expected as unknown as Record<string, unknown>));
  });

  const MALFORMED: [string, (correlationId: string) => { value: string; key: string }][] = [
    ['a value that is not JSON (correlation id from the key)', (id) => ({ value: '{"user_request": "commit th', key: id })],
    ['binary bytes', (id) => ({ value: '\u0000\u00ff\u0001garbage', key: id })],
    ['a user_request of the wrong type', (id) => ({ value: JSON.stringify(requestEnvelope({ user_request: 42 }, { correlation_id: id })), key: id })],
    ['a payload that is not an object', (id) => ({ value: JSON.stringify(requestEnvelope('route me', { correlation_id: id })), key: id })],
    ['a 10,001-character request', (id) => ({ value: JSON.stringify(requestEnvelope({ user_request: 'a'.repeat(10_001) }, { correlation_id: id })), key: id })],
    [
      'an unknown strategy',
      (id) => ({ value: JSON.stringify(requestEnvelope({ user_request: COMMIT, options: { routing_strategy: 'telepathy' } }, { correlation_id: id })), key: id }),
    ],
    ['a missing event_id', (id) => ({ value: JSON.stringify({ ...requestEnvelope({ user_request: COMMIT }, { correlation_id: id }), event_id: undefined }), key: id })],
  ];
  for (const [what, build] of MALFORMED) {
    test(`answers ${what} with a failed INVALID_REQUEST event`, async (t) => {
      const { sendRaw, repliesFor, topics, metrics } = await setup(t);
      const correlationId = randomUUID();
      const { value, key } = build(correlationId);
      await sendRaw(value, key);
      const [{ record, envelope }] = await repliesFor(correlationId);
      assert.equal(record.topic, topics.failed);
      assert.equal(envelope.event_type, 'AGENT_ROUTING_FAILED');
      assert.equal(envelope.correlation_id, correlationId);
      assert.equal(envelope.payload.error_code, 'INVALID_REQUEST');
      assert.equal(typeof envelope.payload.error_message, 'string');
      assert.ok(sample(await metrics(), 'switchboard_routing_requests_total', { outcome: 'invalid', strategy: what === 'an unknown strategy' ? 'unknown' : 'lexical', transport: 'bus' }) >= 1);
    });
  }

  test('counts and logs a request without a usable correlation id, sends nothing, and keeps serving', async (t) => {
    const { sendRaw, barrier, replies, metrics } = await setup(t);
    const key = 'not-a-correlation-id';
    await sendRaw(JSON.stringify(requestEnvelope({ user_request: COMMIT }, { correlation_id: 'nope' })), key);
    await sendRaw('not json at all', key);
    const answered = await barrier(key);
    assert.equal(answered.envelope.event_type, 'AGENT_ROUTING_COMPLETED', 'the consumer still serves');
    assert.equal(replies().length, 1, 'only the good request got a reply');
    assert.equal(sample(await metrics(), 'switchboard_bus_dropped_total', { reason: 'no_correlation_id' }), 2);
  });

  test('skips and counts a request whose deadline has passed', async (t) => {
    const { send, barrier, replies, metrics } = await setup(t);
    const expired = requestEnvelope({ user_request: COMMIT }, { deadline: new Date(Date.now() - 1).toISOString() });
    await send(expired);
    await barrier(expired.correlation_id);
    assert.equal(replies().filter((record) => JSON.parse(record.value).correlation_id === expired.correlation_id).length, 0);
    const text = await metrics();
    assert.equal(sample(text, 'switchboard_routing_requests_total', { outcome: 'expired', strategy: 'lexical', transport: 'bus' }), 1);
    assert.equal(sample(text, 'switchboard_routing_requests_total', { outcome: 'completed', strategy: 'lexical', transport: 'bus' }), 1);
  });

  test('routes a redelivered event id once and sends the same reply again', async (t) => {
    const { send, repliesFor, metrics } = await setup(t);
    const envelope = requestEnvelope({ user_request: COMMIT });
    await send(envelope);
    await send(envelope);
    const [first, second] = await repliesFor(envelope.correlation_id, 2);
    assert.equal(second.record.value, first.record.value, 'byte for byte the same reply, event_id included');
    const text = await metrics();
    assert.equal(sample(text, 'switchboard_routing_requests_total', { outcome: 'completed', strategy: 'lexical', transport: 'bus' }), 1);
    assert.equal(sample(text, 'switchboard_routing_duration_seconds_count', { strategy: 'lexical' }), 1);
    assert.equal(sample(text, 'switchboard_bus_redeliveries_total'), 1);
  });

  test('publishes one decision event per decision, with the reply, and none for a rejected request', async (t) => {
    const { send, repliesFor, decisionsFor, barrier } = await setup(t);
    const envelope = requestEnvelope({ user_request: COMMIT });
    await send(envelope);
    await send(envelope); // redelivered: answered again, but it is still one decision
    const [{ envelope: reply }] = await repliesFor(envelope.correlation_id, 2);
    const rejected = requestEnvelope({ user_request: COMMIT, options: { routing_strategy: 'telepathy' } });
    await send(rejected);
    await repliesFor(rejected.correlation_id);
    await barrier(envelope.correlation_id);
    const events = decisionsFor(envelope.correlation_id);
    assert.equal(events.length, 1);
    const [event] = events;
    assert.equal(event.event_type, 'AGENT_ROUTING_DECISION');
    assert.equal(event.service, 'switchboard-router');
    const payload = event.payload as { outcome: string; routing_path: string; transport: string; request: unknown; result: unknown; latency_ms: number };
    assert.equal(payload.outcome, 'completed');
    assert.equal(payload.routing_path, 'event');
    assert.equal(payload.transport, 'in-process');
    assert.deepEqual(payload.request, { user_request: COMMIT });
    assert.deepEqual(payload.result, reply.payload);
    assert.ok(payload.latency_ms >= 0);
    assert.equal(decisionsFor(rejected.correlation_id).length, 0);
  });

  test('answers a request without a deadline (the field is optional)', async (t) => {
    const { send, repliesFor } = await setup(t);
    const { deadline: _deadline, ...envelope } = requestEnvelope({ user_request: COMMIT });
    await send(envelope);
    const [{ envelope: reply }] = await repliesFor(envelope.correlation_id);
    assert.equal(reply.event_type, 'AGENT_ROUTING_COMPLETED');
  });

  test('reports its state and group for /health, and stops cleanly', async (t) => {
    const bus = new InProcessBus();
    t.after(() => bus.close());
    const service = await openService();
    const topics = topicNames('health');
    await bus.createTopics(Object.values(topics), 3);
    const consumer = await startConsumer(bus, service, topics, 'g1');
    assert.deepEqual(consumer.status(), { kind: 'in-process', state: 'consuming', group_id: 'g1', topic: 'health.requested.v1' });
    await consumer.stop();
    assert.equal(consumer.status().state, 'stopped');
  });
});
