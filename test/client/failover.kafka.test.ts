/**
 * Two routing service processes in one consumer group under a steady load from one client;
 * one is SIGKILLed mid-load. Every request must end with a decision: a reply, or after its
 * timeout a local one; a request redelivered to the survivor is answered once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { CircuitBreaker } from '../../src/client/circuit-breaker.ts';
import { RoutingFacade, type RoutedDecision } from '../../src/client/route.ts';
import { parseEvent } from '../../src/contracts/event-codec.ts';
import { openRouter } from '../../src/open-router.ts';
import { KafkaBus } from '../../src/transport/kafka-bus.ts';
import { COMMIT, REGISTRY } from '../service/helpers.ts';
import { kafkaForTests } from '../support/kafka.ts';
import { kafkaClient, ownTopics, spawnService } from './kafka-helpers.ts';

const kafka = kafkaForTests();
const RATE_PER_S = 50;
const TIMEOUT_MS = 1_000;
/** Long enough for the group to notice the dead member (its 10 s session) and rebalance. */
const AFTER_KILL_MS = 15_000;

test('two instances share the load; a SIGKILL of one mid-load leaves no request unanswered', { skip: 'skip' in kafka && kafka.skip, timeout: 120_000 }, async (t) => {
  if ('skip' in kafka) return;
  const { prefix, topics } = ownTopics();
  const args = ['--kafka', kafka.brokers.join(','), '--registry', REGISTRY, '--strategy', 'lexical', '--topic-prefix', prefix, '--group', `router-${prefix}`];
  const first = await spawnService(t, args);
  const second = await spawnService(t, args);

  // Which instance decided what: the services' decision events name them.
  const bus = new KafkaBus({ brokers: kafka.brokers, clientId: 'switchboard-failover-test' });
  t.after(() => bus.close());
  const decidedBy = new Map<string, string>();
  await (
    await bus.subscribe({ groupId: `watch-${randomUUID()}`, topics: [topics.decision], from: 'latest' }, async (record) => {
      const parsed = parseEvent(record.value, ['AGENT_ROUTING_DECISION']);
      if (parsed.ok) decidedBy.set(parsed.event.correlation_id, parsed.event.payload.instance!);
    })
  ).ready;

  const client = kafkaClient(t, kafka.brokers, { topics, timeoutMs: TIMEOUT_MS });
  await client.ready;
  const { router } = await openRouter([REGISTRY], { defaultStrategy: 'lexical' });
  // A short cooldown: the breaker may open while a partition has no owner; it must not keep the survivor idle.
  const facade = new RoutingFacade({ remote: client, local: async () => router, breaker: new CircuitBreaker({ cooldownMs: 500 }), env: {} });

  const sent: { at: number; decision: Promise<RoutedDecision> }[] = [];
  const started = Date.now();
  let killedAt = 0;
  for (let i = 0; Date.now() - started < 3_000 + AFTER_KILL_MS; i++) {
    if (killedAt === 0 && Date.now() - started >= 3_000) {
      first.child.kill('SIGKILL');
      killedAt = Date.now();
    }
    sent.push({ at: Date.now(), decision: facade.route(i % 2 === 0 ? COMMIT : 'debug the failing tests') });
    await sleep(1_000 / RATE_PER_S);
  }
  const settled = await Promise.allSettled(sent.map(({ decision }) => decision));
  const rejected = settled.filter((outcome) => outcome.status === 'rejected');
  assert.deepEqual(rejected, [], 'every request got a decision');
  const decisions = settled.map((outcome) => (outcome as PromiseFulfilledResult<RoutedDecision>).value);
  const paths = (from: number, to = Infinity) =>
    Object.groupBy(
      decisions.filter((_, i) => sent[i].at >= from && sent[i].at < to),
      (decision) => decision.routing_path,
    );
  const count = (group: Partial<Record<string, unknown[]>>) => Object.fromEntries(Object.entries(group).map(([path, list]) => [path, list!.length]));
  const before = paths(0, killedAt);
  const after = paths(killedAt);
  const lastSeconds = paths(sent.at(-1)!.at - 2_000);
  t.diagnostic(`${decisions.length} requests; before the kill ${JSON.stringify(count(before))}, after ${JSON.stringify(count(after))}; client ${JSON.stringify(client.stats())}`);

  assert.deepEqual(Object.keys(before), ['event'], 'all over events before the kill');
  const instances = new Set(decisions.slice(0, 100).map((decision) => decidedBy.get(decision.correlation_id)));
  assert.equal(instances.size, 2, `both instances decided requests before the kill: ${[...instances].join(', ')}`);
  assert.ok((after.hybrid?.length ?? 0) + (after.local?.length ?? 0) > 0, "the dead member's partitions fell back until the group rebalanced");
  assert.ok(lastSeconds.event !== undefined && lastSeconds.hybrid === undefined, 'the survivor serves every partition once the group has rebalanced');
  const { completed, inFlight } = client.stats();
  assert.equal(completed, decisions.filter((decision) => decision.routing_path === 'event').length, 'each reply answered one request, duplicates none');
  assert.equal(inFlight, 0);
  second.child.kill('SIGTERM');
  await second.exited;
});
