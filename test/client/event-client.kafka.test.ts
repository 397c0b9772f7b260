/**
 * The client against the routing service over the real broker: the same decisions as the
 * in-process router, malformed requests answered (or counted) while the consumer keeps
 * serving, and the round-trip latency, reported.
 */
import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { RoutingFacade } from '../../src/client/route.ts';
import { openRouter } from '../../src/open-router.ts';
import type { RoutingResult } from '../../src/contracts/routing.ts';
import { startService } from '../../src/service/serve.ts';
import type { BusRecord } from '../../src/transport/bus.ts';
import { KafkaBus } from '../../src/transport/kafka-bus.ts';
import { COMMIT, REGISTRY, sample, silent } from '../service/helpers.ts';
import { kafkaForTests } from '../support/kafka.ts';
import { kafkaClient, ownTopics, percentiles } from './kafka-helpers.ts';

const kafka = kafkaForTests();

/** The routing service in this process on the run's broker, on topics of its own, and a client for it. */
async function setup(t: TestContext, brokers: string[]) {
  const { prefix, topics } = ownTopics();
  const running = await startService({
    logger: silent,
    registry: [REGISTRY],
    brokers,
    httpPort: 0,
    strategy: 'lexical',
    topicPrefix: prefix,
    groupId: `router-${prefix}`,
  });
  t.after(() => running.stop());
  const client = kafkaClient(t, brokers, { topics, timeoutMs: 10_000 });
  await client.ready;
  return { running, client, topics };
}

function decision(result: RoutingResult) {
  return { ...result, routing_metadata: { ...result.routing_metadata, routing_time_ms: 0, cache_hit: false } };
}

if ('skip' in kafka) {
  test('client over Kafka', { skip: kafka.skip }, () => undefined);
} else {
  describe('client over Kafka', { timeout: 90_000 }, () => {
    test('a request over Kafka returns the same decision as the in-process router', async (t) => {
      const { client } = await setup(t, kafka.brokers);
      const { router } = await openRouter([REGISTRY], { defaultStrategy: 'lexical', cache: false });
      const facade = new RoutingFacade({ remote: client, local: async () => router, env: {} });
      for (const [text, options] of [
        [COMMIT, {}],
        ['debug the failing tests and commit the fix', { maxRecommendations: 3, minConfidence: 0.1 }],
        ['@agent-commit do it', {}],
        ['what is the boiling point of water', {}],
        ['review the pull request', { context: { domain: 'version_control' }, strategy: 'enhanced_fuzzy_matching' }],
      ] as const) {
        const routed = await facade.route(text, options);
        assert.equal(routed.routing_path, 'event', text);
        const local = await router.route({
          user_request: text,
          ...('context' in options && { context: options.context }),
          options: {
            max_recommendations: 'maxRecommendations' in options ? options.maxRecommendations : undefined,
            min_confidence: 'minConfidence' in options ? options.minConfidence : undefined,
            routing_strategy: 'strategy' in options ? options.strategy : undefined,
          },
        });
        assert.deepEqual(decision(routed.result), decision(local), text);
      }
    });

    test('a client closed while it is still joining its reply group ends, and its process exits', async (t) => {
      const { topics } = await setup(t, kafka.brokers);
      const dir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-client-close-'));
      t.after(() => rm(dir, { recursive: true, force: true }));
      const script = path.join(dir, 'connect-and-close.ts');
      const client = pathToFileURL(path.join(import.meta.dirname, '../../src/client/index.ts')).href;
      await writeFile(
        script,
        `import { connectOverKafka } from ${JSON.stringify(client)};\n` +
          `const client = await connectOverKafka(${JSON.stringify(kafka.brokers)}, { topics: ${JSON.stringify(topics)} });\n` +
          `await new Promise((resolve) => setTimeout(resolve, Number(process.argv[2])));\n` +
          `await client.close();\nprocess.stdout.write('closed');\n`,
      );
      // Closes at points across the group join; before the fix some crashed or never exited.
      for (let run = 0; run < 8; run++) {
        const child = spawn(process.execPath, [script, String(run * 40)], { stdio: ['ignore', 'pipe', 'pipe'] });
        let output = '';
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
        child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
        const exited = once(child, 'exit');
        const outcome = await Promise.race([exited, sleep(20_000, 'still running')]);
        if (outcome === 'still running') child.kill('SIGKILL');
        assert.deepEqual(outcome, [0, null], `run ${run + 1}: ${output}`);
        assert.equal(output, 'closed');
      }
    });

    test('malformed requests get failed events with the right codes, or are counted; the consumer keeps serving', async (t) => {
      const { running, client, topics } = await setup(t, kafka.brokers);
      const bus = new KafkaBus({ brokers: kafka.brokers, clientId: 'switchboard-raw-producer' });
      t.after(() => bus.close());
      const replies = new Map<string, BusRecord>();
      const collector = await bus.subscribe({ groupId: `raw-${randomUUID()}`, topics: [topics.failed], from: 'latest' }, async (record) => {
        replies.set(record.key, record);
      });
      await collector.ready;
      const envelope = (id: string, payload: unknown, extra: object = {}) =>
        JSON.stringify({
          event_id: randomUUID(),
          event_type: 'AGENT_ROUTING_REQUESTED',
          correlation_id: id,
          timestamp: new Date().toISOString(),
          service: 'python-agent',
          deadline: new Date(Date.now() + 30_000).toISOString(),
          payload,
          ...extra,
        });
      const cases: [string, (id: string) => string][] = [
        ['non-JSON', () => '{"user_request": "commit th'],
        ['wrong types', (id) => envelope(id, { user_request: 42, options: { max_recommendations: 'five' } })],
        ['a correlation id only in the key', (id) => envelope(id, { user_request: COMMIT }, { correlation_id: undefined })],
        ['a 10,001-character request', (id) => envelope(id, { user_request: 'a'.repeat(10_001) })],
        ['an unknown strategy', (id) => envelope(id, { user_request: COMMIT, options: { routing_strategy: 'telepathy' } })],
      ];
      const ids = cases.map(() => randomUUID());
      const before = sample(await running.service.metrics.registry.metrics(), 'switchboard_bus_dropped_total', { reason: 'no_correlation_id' });
      await bus.produce([
        ...cases.map(([, value], i) => ({ topic: topics.requested, key: ids[i], value: value(ids[i]) })),
        // No usable correlation id anywhere: nowhere to reply, so it is counted and logged.
        { topic: topics.requested, key: 'not-a-uuid', value: envelope('also-not-a-uuid', { user_request: COMMIT }) },
      ]);
      // Requests after the malformed ones, on every partition, are still answered.
      const after = await Promise.all(Array.from({ length: 6 }, () => client.requestRouting(COMMIT)));
      assert.ok(after.every((result) => result.selected_agent === 'commit'));
      await until(() => ids.every((id) => replies.has(id)), 'a failed event per malformed request');
      for (const [i, [what]] of cases.entries()) {
        const reply = JSON.parse(replies.get(ids[i])!.value) as { event_type: string; correlation_id: string; payload: { error_code: string } };
        assert.deepEqual([reply.event_type, reply.correlation_id, reply.payload.error_code], ['AGENT_ROUTING_FAILED', ids[i], 'INVALID_REQUEST'], what);
      }
      await until(
        async () => sample(await running.service.metrics.registry.metrics(), 'switchboard_bus_dropped_total', { reason: 'no_correlation_id' }) === before + 1,
        'the record without a correlation id counted',
      );
      assert.deepEqual([...replies.keys()].sort(), [...ids].sort(), 'no failed event for the record without a correlation id');
    });

    test('round-trip latency over Kafka: 200 sequential requests and a burst of 200 (reported)', async (t) => {
      const { client } = await setup(t, kafka.brokers);
      const texts = ['write a commit message', 'debug the login page', 'review this pull request', 'deploy to production', 'write tests for the parser'];
      for (let i = 0; i < 20; i++) await client.requestRouting(texts[i % texts.length]); // warm up
      const sequential: number[] = [];
      for (let i = 0; i < 200; i++) {
        const started = performance.now();
        await client.requestRouting(texts[i % texts.length]);
        sequential.push(performance.now() - started);
      }
      const burst: number[] = [];
      const burstStarted = performance.now();
      await Promise.all(
        Array.from({ length: 200 }, async (_, i) => {
          const started = performance.now();
          await client.requestRouting(texts[i % texts.length]);
          burst.push(performance.now() - started);
        }),
      );
      const burstMs = performance.now() - burstStarted;
      t.diagnostic(`sequential round trip (n=200): ${JSON.stringify(percentiles(sequential))} ms`);
      t.diagnostic(`burst of 200: ${JSON.stringify(percentiles(burst))} ms, all answered in ${burstMs.toFixed(0)} ms (${Math.round(200 / (burstMs / 1000))} requests/s)`);
      const { duplicateReplies, lateReplies, timedOut, completed } = client.stats();
      assert.deepEqual({ duplicateReplies, lateReplies, timedOut, completed }, { duplicateReplies: 0, lateReplies: 0, timedOut: 0, completed: 420 });
    });
  });
}

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(20);
  }
}
