import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { after, test } from 'node:test';
import pg from 'pg';
import { DecisionLog } from '../../src/store/decision-log.ts';
import { PostgresStore } from '../../src/store/postgres-store.ts';
import { decision, postgresForTests, tempFolder } from './helpers.ts';

const database = await postgresForTests();
const folder = await tempFolder();
after(() => folder.remove());

test('a role that may write rows but not create tables records decisions once the schema is current', { skip: 'skip' in database ? database.skip : undefined, timeout: 30_000 }, async () => {
  if (!('url' in database)) return;
  const role = `sb_writer_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const admin = new pg.Client({ connectionString: database.url });
  await admin.connect();
  try {
    const owner = new PostgresStore(database.url);
    await owner.migrate();
    await owner.close();
    // What an operator grants a service: rows only (PostgreSQL 15+ lets nobody else create in public).
    await admin.query(`create role ${role} login`);
    await admin.query(`grant usage on schema public to ${role}`);
    await admin.query(`grant select, insert on all tables in schema public to ${role}`);
    await admin.query(`grant usage on all sequences in schema public to ${role}`);
    const asWriter = new URL(database.url);
    asWriter.username = role;
    const log = await DecisionLog.open({ location: { backend: 'postgres', url: asWriter.toString() }, spoolDir: path.join(folder.dir, 'spool') });
    const records = Array.from({ length: 3 }, () => decision());
    for (const record of records) log.record(record);
    await log.recordOutcome({ correlation_id: records[0].correlation_id, success: true });
    const metrics = log.writerMetrics();
    await log.close();
    assert.equal(metrics.rejected_rows, 0);
    const { rows } = await admin.query('select count(*)::int as n from decisions where correlation_id = any($1::uuid[])', [records.map((r) => r.correlation_id)]);
    assert.equal(rows[0].n, 3);
  } finally {
    await admin.end();
    await database.drop();
    const cleanup = new pg.Client({ connectionString: new URL('/postgres', database.url).toString() });
    await cleanup.connect();
    await cleanup.query(`drop role if exists ${role}`);
    await cleanup.end();
  }
});
