import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Bus, BusRecord, RecordHandler, SubscribeOptions, Subscription } from '../../src/transport/bus.ts';
import { partitionForKey } from '../../src/transport/murmur2.ts';
import { SwitchboardError } from '../../src/errors.ts';

/**
 * The Bus contract: what the service and the client rely on, run against every Bus
 * (test/transport/in-process-bus.test.ts, test/transport/kafka-bus.test.ts).
 */
export interface BusFixture {
  create(): Bus | Promise<Bus>;
  /** Makes a member die without committing anything more. */
  crash(subscription: Subscription): void | Promise<void>;
}

/** Key → partition of 12, as kafka-clients 4.1.1's BuiltInPartitioner.partitionForKey computes it. */
const JAVA_PARTITIONS_OF_12: readonly [string, number][] = [
  ['21', 0],
  ['foobar', 6],
  ['a-little-bit-long-string', 8],
  ['a-little-bit-longer-string', 11],
  ['abc', 3],
  ['3f2504e0-4f89-41d3-9a0c-0305e82c3301', 8],
  ['c9bf9e57-1685-4c89-bafb-ff5af830be8a', 4],
  ['8f14e45f-ceea-467f-a0e6-7b1c3c1f0d55', 9],
  ['héllo-wörld-✓', 7],
];

export function busContract(name: string, fixture: BusFixture): void {
  describe(name, { timeout: 60_000 }, () => {
    async function setup(t: TestContext) {
      const bus = await fixture.create();
      t.after(() => bus.close());
      const id = randomUUID().slice(0, 8);
      const unique = (what: string) => `contract-${id}-${what}`;
      /** Subscribes and waits until the member is assigned. */
      const member = async (options: Omit<SubscribeOptions, 'topics'> & { topic: string }, handler: RecordHandler) => {
        const subscription = await bus.subscribe({ ...options, topics: [options.topic] }, handler);
        await subscription.ready;
        return subscription;
      };
      return { bus, unique, member };
    }

    test('delivers records with their key, value, headers, partition, offset and timestamp', async (t) => {
      const { bus, unique, member } = await setup(t);
      const topic = unique('round-trip');
      await bus.createTopics([topic], 3);
      const got: BusRecord[] = [];
      await member({ groupId: unique('g'), topic, from: 'earliest' }, async (record) => void got.push(record));
      const before = Date.now();
      const headers = { 'content-type': 'application/json', trace: 'é ✓' };
      await bus.produce([
        { topic, key: 'a-key', value: '{"n":1}', headers },
        { topic, key: 'a-key', value: '{"n":2}' },
        { topic, key: 'other-key', value: 'UTF-8: é ✓ 日本' },
      ]);
      await until(() => got.length === 3, 'three records');
      const [first, second, third] = ['{"n":1}', '{"n":2}', 'UTF-8: é ✓ 日本'].map((value) => got.find((r) => r.value === value));
      assert.ok(first && second && third);
      assert.deepEqual({ ...first.headers }, headers);
      assert.equal(second.headers, undefined);
      assert.equal(first.key, 'a-key');
      assert.equal(first.topic, topic);
      assert.equal(first.partition, partitionForKey('a-key', 3));
      assert.equal(second.partition, first.partition);
      assert.equal(second.offset, first.offset + 1n);
      assert.equal(third.partition, partitionForKey('other-key', 3));
      assert.ok(first.timestamp >= before - 1_000 && first.timestamp <= Date.now() + 1_000, `timestamp ${first.timestamp}`);
    });

    test("places each key on the Java client's partition (murmur2), every time", async (t) => {
      const { bus, unique, member } = await setup(t);
      const topic = unique('keys');
      await bus.createTopics([topic], 12);
      const got: BusRecord[] = [];
      await member({ groupId: unique('g'), topic, from: 'earliest' }, async (record) => void got.push(record));
      const records = JAVA_PARTITIONS_OF_12.map(([key]) => ({ topic, key, value: key }));
      await bus.produce(records);
      await bus.produce(records);
      await until(() => got.length === 2 * records.length, 'every record');
      for (const [key, partition] of JAVA_PARTITIONS_OF_12) {
        assert.deepEqual(
          got.filter((r) => r.key === key).map((r) => r.partition),
          [partition, partition],
          key,
        );
      }
    });

    test('members of one group split the partitions and each record reaches exactly one', async (t) => {
      const { bus, unique, member } = await setup(t);
      const topic = unique('split');
      const groupId = unique('g');
      await bus.createTopics([topic], 4);
      const seen = [new Array<BusRecord>(), new Array<BusRecord>()];
      await member({ groupId, topic, from: 'earliest' }, async (record) => void seen[0].push(record));
      await member({ groupId, topic, from: 'earliest' }, async (record) => void seen[1].push(record));
      const keys = Array.from({ length: 40 }, (_, i) => `key-${i}`);
      assert.equal(new Set(keys.map((key) => partitionForKey(key, 4))).size, 4, 'precondition: keys cover every partition');
      await bus.produce(keys.map((key) => ({ topic, key, value: key })));
      await until(() => seen[0].length + seen[1].length >= keys.length, 'every record');
      await sleep(300); // room for a duplicate to show up
      const values = [...seen[0], ...seen[1]].map((r) => r.value).sort();
      assert.deepEqual(values, [...keys].sort());
      const partitions = seen.map((records) => new Set(records.map((r) => r.partition)));
      assert.ok(partitions[0].size > 0 && partitions[1].size > 0, 'both members got records');
      assert.ok([...partitions[0]].every((p) => !partitions[1].has(p)), 'no partition is shared');
    });

    test("a member that dies hands its partitions over, and its unfinished records are redelivered", async (t) => {
      const { bus, unique, member } = await setup(t);
      const topic = unique('crash');
      const groupId = unique('g');
      await bus.createTopics([topic], 2);
      const survivor: string[] = [];
      const stuck: string[] = [];
      // From 'latest': the survivor must resume where the group started, not at the end.
      await member({ groupId, topic }, async (record) => void survivor.push(record.value));
      const dying = await member({ groupId, topic }, (record) => {
        stuck.push(record.value);
        return new Promise<void>(() => undefined); // never finishes
      });
      const values = [...keysOn(0, 2, 2), ...keysOn(1, 2, 2)];
      await bus.produce(values.map((value) => ({ topic, key: value, value })));
      await until(() => stuck.length === 1 && survivor.length === 2, 'one member stuck, the other done');
      await fixture.crash(dying);
      await until(() => survivor.length === 4, "the dead member's records");
      assert.deepEqual([...survivor].sort(), [...values].sort());
      assert.ok(survivor.includes(stuck[0]), 'the record in flight at the crash is redelivered');
    });

    test('a member that closes commits what it finished; the next member gets the rest', async (t) => {
      const { bus, unique, member } = await setup(t);
      const topic = unique('handover');
      const groupId = unique('g');
      await bus.createTopics([topic], 1);
      let attemptsOfTwo = 0;
      const first = await member({ groupId, topic, from: 'earliest' }, async (record) => {
        if (Number(record.value) < 2) return;
        attemptsOfTwo++;
        throw new Error('this member cannot handle it');
      });
      await bus.produce(['0', '1', '2', '3'].map((value) => ({ topic, key: 'same', value })));
      await until(() => attemptsOfTwo >= 2, 'record 2 retried');
      await first.close();
      const next: string[] = [];
      await member({ groupId, topic, from: 'earliest' }, async (record) => void next.push(record.value));
      await until(() => next.length === 2, 'records 2 and 3');
      await sleep(200);
      assert.deepEqual(next, ['2', '3']);
    });

    test("lag counts each owned partition's records the group has not finished, down to 0", async (t) => {
      const { bus, unique, member } = await setup(t);
      const topic = unique('lag');
      await bus.createTopics([topic], 2);
      const hold = Promise.withResolvers<void>();
      t.after(() => hold.resolve()); // a failed wait must not leave the handler stuck for later tests
      let handled = 0;
      const subscription = await member({ groupId: unique('g'), topic, from: 'earliest' }, async () => {
        await hold.promise;
        handled++;
      });
      const keys = ['abc', 'foobar', '21'].map((key) => [key, partitionForKey(key, 2)] as const);
      await bus.produce(keys.map(([key]) => ({ topic, key, value: key })));
      const expected = [0, 1].map((partition) => ({ topic, partition, records: keys.filter(([, p]) => p === partition).length }));
      const sorted = async () => [...(await subscription.lag())].sort((a, b) => a.partition - b.partition);
      await until(async () => JSON.stringify(await sorted()) === JSON.stringify(expected), 'every record counted while held');
      hold.resolve();
      await until(() => handled === 3, 'the records handled');
      await until(async () => (await sorted()).every((lag) => lag.records === 0), 'the lag back to 0 once committed');
      assert.deepEqual(
        (await sorted()).map(({ partition }) => partition),
        [0, 1],
        'both partitions still listed at 0',
      );
    });

    test('each member reports the lag of the partitions it owns, and none once closed', async (t) => {
      const { bus, unique, member } = await setup(t);
      const topic = unique('lag-members');
      const groupId = unique('g');
      await bus.createTopics([topic], 2);
      const first = await member({ groupId, topic, from: 'earliest' }, async () => undefined);
      const second = await member({ groupId, topic, from: 'earliest' }, async () => undefined);
      const owned = async (subscription: Subscription) => (await subscription.lag()).map(({ partition }) => partition);
      await until(async () => (await owned(first)).length === 1 && (await owned(second)).length === 1, 'one partition each');
      assert.deepEqual([...(await owned(first)), ...(await owned(second))].sort(), [0, 1]);
      await second.close();
      assert.deepEqual(await second.lag(), []);
      await until(async () => (await owned(first)).length === 2, 'the first member owning both');
    });

    test('a rejecting handler gets its record again before any later record of the partition', async (t) => {
      const { bus, unique, member } = await setup(t);
      const topic = unique('retry');
      const groupId = unique('g');
      await bus.createTopics([topic], 1);
      const calls: string[] = [];
      const errors: [unknown, string | undefined][] = [];
      const failure = new Error('transient');
      const subscription = await member(
        { groupId, topic, from: 'earliest', onError: (error, record) => errors.push([error, record?.value]) },
        async (record) => {
          calls.push(record.value);
          if (record.value === '1' && calls.filter((v) => v === '1').length === 1) throw failure;
        },
      );
      await bus.produce(['0', '1', '2', '3'].map((value) => ({ topic, key: 'same', value })));
      await until(() => calls.length === 5, 'four records and one retry');
      assert.deepEqual(calls, ['0', '1', '1', '2', '3']);
      assert.deepEqual(errors, [[failure, '1']]);
      await subscription.close();
      // Everything was committed: a new member of the group starts after record 3.
      const after: string[] = [];
      await member({ groupId, topic, from: 'earliest' }, async (record) => void after.push(record.value));
      await bus.produce([{ topic, key: 'same', value: '4' }]);
      await until(() => after.length === 1, 'record 4');
      await sleep(200);
      assert.deepEqual(after, ['4']);
    });

    test('ready means assigned and positioned: records produced right after are delivered, even from latest', async (t) => {
      const { bus, unique, member } = await setup(t);
      const topic = unique('ready');
      const groupId = unique('g');
      await bus.createTopics([topic], 1);
      const got: string[] = [];
      await member({ groupId, topic }, async (record) => void got.push(record.value));
      // A member with nothing to read (one partition, two members) is ready all the same.
      await member({ groupId, topic }, async (record) => void got.push(record.value));
      await bus.produce([{ topic, key: 'k', value: 'right after ready' }]);
      await until(() => got.length === 1, 'the record');
    });

    test("a new group starts at the end with 'latest' (the default) and at the start with 'earliest'", async (t) => {
      const { bus, unique, member } = await setup(t);
      const topic = unique('from');
      await bus.createTopics([topic], 1);
      await bus.produce(['old-1', 'old-2'].map((value) => ({ topic, key: 'k', value })));
      const latest: string[] = [];
      const earliest: string[] = [];
      await member({ groupId: unique('latest'), topic }, async (record) => void latest.push(record.value));
      await member({ groupId: unique('earliest'), topic, from: 'earliest' }, async (record) => void earliest.push(record.value));
      await bus.produce([{ topic, key: 'k', value: 'new' }]);
      await until(() => latest.length === 1 && earliest.length === 3, 'the records');
      await sleep(200);
      assert.deepEqual(latest, ['new']);
      assert.deepEqual(earliest, ['old-1', 'old-2', 'new']);
    });

    test('close waits for the handler in flight, delivers nothing after, and can be called twice', async (t) => {
      const { bus, unique, member } = await setup(t);
      const topic = unique('close');
      const groupId = unique('g');
      await bus.createTopics([topic], 1);
      const gate = Promise.withResolvers<void>();
      const calls: string[] = [];
      const subscription = await member({ groupId, topic, from: 'earliest' }, async (record) => {
        calls.push(record.value);
        await gate.promise;
      });
      await bus.produce(['0', '1'].map((value) => ({ topic, key: 'k', value })));
      await until(() => calls.length === 1, 'the first record');
      let closed = false;
      const closing = subscription.close().then(() => (closed = true));
      await sleep(100);
      assert.equal(closed, false, 'close waits for the handler');
      gate.resolve();
      await closing;
      await subscription.close();
      await bus.produce([{ topic, key: 'k', value: '2' }]);
      await sleep(300);
      assert.deepEqual(calls, ['0']);
      // The finished record was committed on close; the others go to the next member.
      const next: string[] = [];
      await member({ groupId, topic, from: 'earliest' }, async (record) => void next.push(record.value));
      await until(() => next.length === 2, 'records 1 and 2');
      assert.deepEqual(next, ['1', '2']);
    });

    test('closing the bus closes its subscriptions; using it afterwards fails', async (t) => {
      const { bus, unique, member } = await setup(t);
      const topic = unique('bus-close');
      await bus.createTopics([topic], 1);
      const calls: string[] = [];
      await member({ groupId: unique('g'), topic }, async (record) => void calls.push(record.value));
      await bus.close();
      await assert.rejects(bus.produce([{ topic, key: 'k', value: 'late' }]), SwitchboardError);
      assert.deepEqual(calls, []);
    });

    test('producing to a topic that does not exist fails with SERVICE_UNAVAILABLE', async (t) => {
      const { bus, unique } = await setup(t);
      await assert.rejects(bus.produce([{ topic: unique('missing'), key: 'k', value: 'v' }]), (error: unknown) => {
        assert.ok(error instanceof SwitchboardError);
        assert.equal(error.code, 'SERVICE_UNAVAILABLE');
        return true;
      });
    });

    test('creating an existing topic leaves it as it is', async (t) => {
      const { bus, unique, member } = await setup(t);
      const topic = unique('existing');
      await bus.createTopics([topic], 2);
      await bus.createTopics([topic], 5);
      const key = keysOn(1, 2, 20).find((k) => partitionForKey(k, 5) !== 1) as string;
      const got: BusRecord[] = [];
      await member({ groupId: unique('g'), topic, from: 'earliest' }, async (record) => void got.push(record));
      await bus.produce([{ topic, key, value: 'v' }]);
      await until(() => got.length === 1, 'the record');
      assert.equal(got[0].partition, 1);
    });
  });
}

/** `count` keys that land on `partition` of `partitions`. */
function keysOn(partition: number, partitions: number, count: number): string[] {
  const keys: string[] = [];
  for (let i = 0; keys.length < count; i++) {
    if (partitionForKey(`key-${i}`, partitions) === partition) keys.push(`key-${i}`);
  }
  return keys;
}

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}
