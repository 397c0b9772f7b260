import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { DecisionRecord } from '../../src/store/decision-record.ts';
import { DecisionWriter } from '../../src/store/decision-writer.ts';
import { PostgresStore } from '../../src/store/postgres-store.ts';
import { FlakyStore } from './flaky-store.ts';
import { decision, postgresForTests, tempFolder } from './helpers.ts';
import { TcpProxy } from './tcp-proxy.ts';

const database = await postgresForTests();
if ('skip' in database) process.stdout.write(`# skipping PostgreSQL writer tests: ${database.skip}\n`);

describe('DecisionWriter against PostgreSQL through an outage', { skip: 'skip' in database ? database.skip : undefined }, () => {
  const url = 'url' in database ? database.url : '';
  const proxy = new TcpProxy({ host: new URL(url || 'postgres://127.0.0.1:5432').hostname, port: Number(new URL(url || 'postgres://x:5432').port) });
  const viaProxy = () => {
    const proxied = new URL(url);
    proxied.port = String(proxy.port);
    return new PostgresStore(proxied.toString(), { connectTimeoutMs: 1_000, queryTimeoutMs: 5_000 });
  };
  let folder: Awaited<ReturnType<typeof tempFolder>>;
  let direct: pg.Pool;

  before(async () => {
    folder = await tempFolder();
    direct = new pg.Pool({ connectionString: url });
    // A test below ends every session on the test database: an idle one of this pool then reports it.
    direct.on('error', () => {});
    await proxy.open();
    const store = viaProxy();
    await store.migrate();
    await store.close();
  });
  after(async () => {
    await proxy.close();
    await direct?.end();
    await folder?.remove();
    if ('drop' in database) await database.drop();
  });

  /** Whether `condition` holds within 5 s. */
  async function eventuallyTrue(condition: () => boolean): Promise<boolean> {
    for (const deadline = Date.now() + 5_000; Date.now() < deadline; await sleep(20)) if (condition()) return true;
    return condition();
  }

  /** How many times each decision is in the database. */
  async function counts(records: DecisionRecord[]): Promise<{ rows: number; distinct: number }> {
    const { rows } = await direct.query('select count(*)::int as rows, count(distinct decision_id)::int as distinct from decisions where decision_id = any($1::uuid[])', [
      records.map((record) => record.decision_id),
    ]);
    return rows[0];
  }

  test('under load with the database unreachable for seconds, every decision lands exactly once and record never waits', async () => {
    const store = viaProxy();
    const writer = new DecisionWriter({ store, spoolFile: path.join(folder.dir, 'load.jsonl'), retryBaseMs: 50, retryMaxMs: 500 });
    const records: DecisionRecord[] = [];
    let slowestRecordMs = 0;
    let maxSpoolBytes = 0;
    const started = Date.now();
    // ~4,000 decisions/s for 5 s; the database is away from 1 s to 3.5 s.
    const outage = (async () => {
      await sleep(1_000);
      await proxy.close();
      await sleep(2_500);
      await proxy.open();
    })();
    while (Date.now() - started < 5_000) {
      for (let i = 0; i < 20; i++) {
        const record = decision({ routing_path: 'event' });
        const before = performance.now();
        writer.record(record);
        slowestRecordMs = Math.max(slowestRecordMs, performance.now() - before);
        records.push(record);
      }
      maxSpoolBytes = Math.max(maxSpoolBytes, writer.metrics().spool_bytes);
      await sleep(5);
    }
    await outage;
    await writer.close();
    await store.close();
    const metrics = writer.metrics();
    assert.ok(maxSpoolBytes > 0, 'the outage was spooled');
    assert.ok(metrics.write_errors > 0);
    assert.equal(metrics.dropped_rows, 0);
    assert.equal(metrics.spool_bytes, 0, 'the spool was replayed');
    assert.deepEqual(await counts(records), { rows: records.length, distinct: records.length });
    assert.ok(slowestRecordMs < 20, `record took ${slowestRecordMs.toFixed(2)} ms`);
    process.stdout.write(`# ${records.length} decisions, spool peak ${maxSpoolBytes} bytes, slowest record ${slowestRecordMs.toFixed(3)} ms\n`);
  });

  test('a database that stops accepting connections is an outage too: its decisions are spooled, then written', async () => {
    const name = new URL(url).pathname.slice(1);
    const adminUrl = new URL(url);
    adminUrl.pathname = '/postgres';
    const admin = new pg.Client({ connectionString: adminUrl.toString() });
    await admin.connect();
    const store = new PostgresStore(url, { connectTimeoutMs: 1_000, queryTimeoutMs: 5_000 });
    const writer = new DecisionWriter({ store, spoolFile: path.join(folder.dir, 'refusing.jsonl'), flushIntervalMs: 5, retryBaseMs: 50, retryMaxMs: 200 });
    try {
      await admin.query(`alter database ${name} allow_connections false`);
      // Every session on it ends: the pool's, and this test's own direct one (it reconnects later).
      await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]);
      const records = Array.from({ length: 50 }, () => decision({ routing_path: 'http' }));
      for (const record of records) writer.record(record);
      const spooled = await eventuallyTrue(() => writer.metrics().spool_bytes > 0);
      assert.ok(spooled, 'the refused writes were spooled');
      assert.equal(writer.metrics().rejected_rows, 0, 'no decision was taken for a bad row');
      await admin.query(`alter database ${name} allow_connections true`);
      await writer.close();
      assert.equal(writer.metrics().dropped_rows, 0);
      assert.equal(writer.metrics().spool_bytes, 0, 'the spool was replayed');
      const check = new pg.Client({ connectionString: url });
      await check.connect();
      const { rows } = await check.query('select count(*)::int as n from decisions where decision_id = any($1::uuid[])', [records.map((r) => r.decision_id)]);
      await check.end();
      assert.equal(rows[0].n, records.length);
    } finally {
      await admin.query(`alter database ${name} allow_connections true`);
      await admin.end();
      await store.close();
    }
  });

  test('a writer restarted after an outage replays the spool before its new writes', async () => {
    const spoolFile = path.join(folder.dir, 'restart.jsonl');
    await proxy.close();
    const downStore = viaProxy();
    const first = new DecisionWriter({ store: downStore, spoolFile, flushIntervalMs: 5 });
    const spooled = Array.from({ length: 500 }, () => decision());
    for (const record of spooled) first.record(record);
    await sleep(50);
    await first.close();
    await downStore.close();
    assert.ok(first.metrics().spool_bytes > 0);

    await proxy.open();
    const store = new FlakyStore(viaProxy());
    const second = new DecisionWriter({ store, spoolFile, flushIntervalMs: 5 });
    const fresh = Array.from({ length: 200 }, () => decision());
    for (const record of fresh) second.record(record);
    await second.close();
    await store.close();
    assert.deepEqual(store.writes, [...spooled, ...fresh].map((record) => record.decision_id));
    assert.deepEqual(await counts([...spooled, ...fresh]), { rows: 700, distinct: 700 });
  });
});
