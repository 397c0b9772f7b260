/**
 * The decision history on the Kafka path, against the real broker and the real PostgreSQL
 * server: decisions the service makes over events, a client's local and hybrid answers (sent
 * on the decision topic), and outcomes on the feedback topic, bad ones answered or counted.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { after, describe, test, type TestContext } from 'node:test';
import { RoutingFacade } from '../../src/client/route.ts';
import { parseEvent } from '../../src/contracts/event-codec.ts';
import { openRouter } from '../../src/open-router.ts';
import { startService } from '../../src/service/serve.ts';
import { PostgresStore } from '../../src/store/postgres-store.ts';
import type { BusRecord } from '../../src/transport/bus.ts';
import { KafkaBus } from '../../src/transport/kafka-bus.ts';
import { kafkaClient, ownTopics } from '../client/kafka-helpers.ts';
import { postgresForTests, tempFolder } from '../store/helpers.ts';
import { kafkaForTests } from '../support/kafka.ts';
import { decidedTrace, eventually } from './history-contract.ts';
import { COMMIT, REGISTRY, sample, silent } from './helpers.ts';

const kafka = kafkaForTests();
const database = await postgresForTests();
if ('url' in database) after(() => database.drop());
const folder = await tempFolder();
after(() => folder.remove());

async function setup(t: TestContext, brokers: string[], url: string) {
  const { prefix, topics } = ownTopics();
  const running = await startService({
    logger: silent,
    registry: [REGISTRY],
    brokers,
    httpPort: 0,
    strategy: 'lexical',
    topicPrefix: prefix,
    groupId: `router-${prefix}`,
    history: { db: url, spoolDir: path.join(folder.dir, prefix) },
  });
  t.after(() => running.stop());
  const client = kafkaClient(t, brokers, { topics, timeoutMs: 10_000 });
  await client.ready;
  const store = new PostgresStore(url);
  t.after(() => store.close());
  return { running, client, topics, store };
}

const skip = 'skip' in kafka ? kafka.skip : 'skip' in database ? database.skip : undefined;

describe('decision history over Kafka', { skip, timeout: 120_000 }, () => {
  test("the service's decisions and a client's local and hybrid answers all show in the trace", async (t) => {
    if ('skip' in kafka || 'skip' in database) return;
    const { client, store } = await setup(t, kafka.brokers, database.url);
    const { router } = await openRouter([REGISTRY], { defaultStrategy: 'lexical', cache: false });
    const facade = new RoutingFacade({ remote: client, local: async () => router, decisions: client, env: {} });

    const byEvent = await facade.route(COMMIT);
    assert.equal(byEvent.routing_path, 'event');
    const local = await facade.route(COMMIT, { useEvents: false });
    assert.equal(local.routing_path, 'local');
    // A deadline the service cannot meet: the client answers itself, and the service may still decide too.
    const hybrid = await facade.route('debug the failing tests', { timeoutMs: 1 });
    assert.equal(hybrid.routing_path, 'hybrid');

    const eventTrace = await decidedTrace(store, byEvent.correlation_id);
    assert.deepEqual(eventTrace.decisions.map((d) => [d.routing_path, d.transport, d.selected_agent]), [['event', 'kafka', byEvent.result.selected_agent]]);
    const localTrace = await decidedTrace(store, local.correlation_id);
    assert.deepEqual(localTrace.decisions.map((d) => [d.routing_path, d.transport, d.selected_agent]), [['local', 'none', local.result.selected_agent]]);
    assert.equal(localTrace.request?.user_request, COMMIT);
    const hybridTrace = await eventually(async () => {
      const trace = await store.trace(hybrid.correlation_id);
      return trace?.decisions.some((d) => d.routing_path === 'hybrid') ? trace : undefined;
    });
    assert.ok(hybridTrace.decisions.every((d) => d.routing_path === 'hybrid' || d.routing_path === 'event'));
    assert.equal(client.stats().reportErrors, 0);
  });

  test('outcomes on the feedback topic are recorded; malformed ones are answered on the failed topic, unknown ones counted', async (t) => {
    if ('skip' in kafka || 'skip' in database) return;
    const { running, client, topics, store } = await setup(t, kafka.brokers, database.url);
    const routed = await client.requestRouting(COMMIT);
    const correlationId = randomUUID();
    await client.send({ user_request: COMMIT }, { correlationId });
    await eventually(() => store.trace(correlationId));
    await client.feedback({ correlation_id: correlationId, success: true, quality_score: 0.8, note: 'clean commit' });
    const trace = await eventually(async () => {
      const found = await store.trace(correlationId);
      return found?.outcomes.length ? found : undefined;
    });
    assert.deepEqual(trace.outcomes.map((o) => [o.success, o.quality_score, o.note, o.source]), [[true, 0.8, 'clean commit', 'switchboard-client']]);
    assert.ok(routed.selected_agent);

    // Watch the failed topic for the answers to bad feedback.
    const failed: BusRecord[] = [];
    const watcher = new KafkaBus({ brokers: kafka.brokers, clientId: 'history-test-watcher' });
    t.after(() => watcher.close());
    const subscription = await watcher.subscribe({ groupId: `watch-${randomUUID()}`, topics: [topics.failed], from: 'latest' }, async (record) => void failed.push(record));
    await subscription.ready;
    const unknown = randomUUID();
    const outOfRange = JSON.stringify({
      event_id: randomUUID(), event_type: 'AGENT_ROUTING_FEEDBACK', correlation_id: correlationId, timestamp: new Date().toISOString(),
      service: 'python-agent', payload: { correlation_id: correlationId, success: true, quality_score: 7 },
    });
    await client.feedback({ correlation_id: unknown, success: false });
    await watcher.produce([
      { topic: topics.feedback, key: correlationId, value: outOfRange },
      { topic: topics.feedback, key: 'no-uuid-here', value: 'not json at all' },
    ]);
    const metrics = await eventually(async () => {
      const text = await (await fetch(`${running.url}/metrics`)).text();
      const counted =
        sample(text, 'switchboard_feedback_total', { result: 'invalid', transport: 'bus' }) >= 2 &&
        sample(text, 'switchboard_feedback_total', { result: 'unknown_correlation_id', transport: 'bus' }) >= 1;
      return counted ? text : undefined;
    });
    const answers = await eventually(async () => (failed.length >= 1 ? failed : undefined));
    const byId = new Map(answers.map((record) => {
      const parsed = parseEvent(record.value, ['AGENT_ROUTING_FAILED']);
      assert.ok(parsed.ok);
      return [parsed.event.correlation_id, parsed.event.payload] as const;
    }));
    assert.equal(byId.get(correlationId)?.error_code, 'INVALID_REQUEST');
    assert.match(byId.get(correlationId)?.error_message ?? '', /quality_score/);
    assert.equal(byId.has(unknown), false, 'feedback on an unknown decision is not answered on the failed topic');
    assert.equal(sample(metrics, 'switchboard_feedback_total', { result: 'recorded', transport: 'bus' }), 1);
    assert.equal(sample(metrics, 'switchboard_feedback_total', { result: 'unknown_correlation_id', transport: 'bus' }), 1);
    assert.equal((await store.trace(correlationId))?.outcomes.length, 1, 'bad feedback wrote nothing');
  });
});
