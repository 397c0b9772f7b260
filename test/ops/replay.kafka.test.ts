/**
 * Replay from the real broker: a service on topics of its own answers requests sent with the
 * client; replaying the request topic over the same registry reproduces every decision, and
 * over an edited registry lists exactly the decisions the edit changed.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { buildEvent, eventRecord } from '../../src/contracts/event-codec.ts';
import type { RoutingResult } from '../../src/contracts/routing.ts';
import { openRouter } from '../../src/open-router.ts';
import { readKafkaRecordings } from '../../src/ops/kafka-recordings.ts';
import { replay } from '../../src/ops/replay.ts';
import { startService, type RunningService } from '../../src/service/serve.ts';
import { KafkaBus } from '../../src/transport/kafka-bus.ts';
import { KafkaReader } from '../../src/transport/kafka-reader.ts';
import { partitionForKey } from '../../src/transport/murmur2.ts';
import { RoutingEventClient } from '../../src/client/event-client.ts';
import { cli } from '../cli/run-cli.ts';
import { ownTopics } from '../client/kafka-helpers.ts';
import { REGISTRY, silent } from '../service/helpers.ts';
import { tempFolder } from '../store/helpers.ts';
import { kafkaForTests } from '../support/kafka.ts';
import { REMOVED, REQUESTS, registryWithoutCommit } from './helpers.ts';

const kafka = kafkaForTests();
const folder = await tempFolder();
after(() => folder.remove());

describe('replay from Kafka', { skip: 'skip' in kafka ? kafka.skip : undefined, timeout: 120_000 }, () => {
  if ('skip' in kafka) return;
  const { prefix, topics } = ownTopics();
  const started = new Date();
  const answers = new Map<string, RoutingResult>();
  let service: RunningService;
  let reader: KafkaReader;

  before(async () => {
    service = await startService({
      logger: silent, registry: [REGISTRY], brokers: kafka.brokers, httpPort: 0, strategy: 'lexical',
      topicPrefix: prefix, groupId: `router-${prefix}`, history: false,
    });
    const client = new RoutingEventClient(new KafkaBus({ brokers: kafka.brokers, clientId: 'replay-test' }), { topics, timeoutMs: 10_000, ownsBus: true });
    try {
      for (const request of REQUESTS) {
        const correlationId = randomUUID();
        answers.set(correlationId, await client.send({ user_request: request }, { correlationId }));
      }
      // A request past its deadline (never answered) and a record that is no event at all.
      const expired = buildEvent('AGENT_ROUTING_REQUESTED', { correlationId: randomUUID(), service: 'replay-test', deadline: new Date(Date.now() - 1_000) }, { user_request: 'too late' });
      const bus = new KafkaBus({ brokers: kafka.brokers, clientId: 'replay-test-raw' });
      await bus.produce([eventRecord(expired, topics), { topic: topics.requested, key: 'garbage', value: 'not json' }]);
      await bus.close();
    } finally {
      await client.close();
    }
    reader = new KafkaReader({ brokers: kafka.brokers });
  });
  after(async () => {
    await reader?.close();
    await service?.stop();
  });

  test('over the same registry every decision is reproduced', async () => {
    const { recordings, skipped } = await readKafkaRecordings(reader, topics, { since: started });
    assert.deepEqual(skipped, { unreadable: 1, unanswered: 1 });
    assert.deepEqual(new Set(recordings.map((r) => r.correlation_id)), new Set(answers.keys()));
    for (const recording of recordings) {
      assert.equal(recording.original.agent, answers.get(recording.correlation_id)!.selected_agent);
      assert.equal(recording.original.strategy, 'lexical');
    }
    const { router } = await openRouter([REGISTRY], { defaultStrategy: 'lexical', cache: false });
    const report = await replay(recordings, router);
    assert.deepEqual(report, { replayed: REQUESTS.length, changed: 0, by_agent: [], changes: [] });
  });

  test('after an agent is removed, exactly the requests it served are listed as changed', async () => {
    const { recordings } = await readKafkaRecordings(reader, topics, { since: started });
    const { router } = await openRouter([await registryWithoutCommit(folder.dir)], { cache: false, model: false });
    const report = await replay(recordings, router);
    const served = [...answers].filter(([, result]) => result.selected_agent === REMOVED).map(([id]) => id);
    assert.equal(served.length, 2);
    assert.equal(report.replayed, REQUESTS.length);
    assert.equal(report.changed, 2);
    assert.deepEqual(new Set(report.changes.map((row) => row.correlation_id)), new Set(served));
    assert.deepEqual(report.by_agent, [{ from: REMOVED, to: null, n: 2 }]);
    for (const row of report.changes) {
      assert.equal(row.strategy, 'lexical');
      assert.ok(row.original.confidence! > 0.9);
      assert.deepEqual([row.replayed.agent, row.replayed.confidence, row.replayed.error_code], [null, null, null]);
    }
  });

  test('--offsets reads only the partitions named, from the offsets given', async () => {
    const onZero = [...answers.keys()].filter((id) => partitionForKey(id, 3) === 0);
    const { recordings } = await readKafkaRecordings(reader, topics, { offsets: new Map([[0, 0n]]) });
    assert.deepEqual(recordings.map((r) => r.correlation_id).sort(), onZero.sort());
    // Past the end of the partition: nothing to read.
    const none = await readKafkaRecordings(reader, topics, { offsets: new Map([[0, 1_000n]]) });
    assert.deepEqual(none, { recordings: [], skipped: { unreadable: 0, unanswered: 0 } });
    await assert.rejects(readKafkaRecordings(reader, topics, { offsets: new Map([[7, 0n]]) }), /has 3 partitions/);
  });

  test('switchboard replay --from kafka prints the changes as JSON', async () => {
    const run = await cli([
      'replay', '--from', 'kafka', '--since', started.toISOString(), '--kafka', kafka.brokers.join(','), '--topic-prefix', prefix,
      '--registry', await registryWithoutCommit(folder.dir), '--strategy', 'lexical', '--json',
    ]);
    assert.equal(run.status, 0, run.stderr);
    const report = JSON.parse(run.stdout);
    assert.deepEqual([report.replayed, report.changed, report.skipped], [REQUESTS.length, 2, 2]);
    assert.deepEqual(report.by_agent, [{ from: REMOVED, to: null, n: 2 }]);
    assert.match(run.stderr, /skipped 1 request\(s\) with no reply/);
    assert.match(run.stderr, /skipped 1 unreadable record/);
  });
});
