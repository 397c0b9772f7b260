import assert from 'node:assert/strict';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import { parseSince } from '../../src/cli/options.ts';
import { cli } from '../cli/run-cli.ts';
import { decision, noMatch, postgresForTests, tempFolder } from './helpers.ts';

const folder = await tempFolder();
after(() => folder.remove());
const env = { SWITCHBOARD_DATA_DIR: folder.dir, DATABASE_URL: '' };

describe('switchboard db, trace and stats on the embedded store', () => {
  const known = decision({ routing_path: 'cli' });
  before(async () => {
    const store = new SqliteStore(path.join(folder.dir, 'decisions.db'));
    await store.migrate();
    await store.writeDecisions([known, noMatch({ routing_path: 'local' })]);
    await store.writeOutcome({ correlation_id: known.correlation_id, success: true, quality_score: 0.8 });
    await store.close();
  });

  test('db status and migrate report the schema version', async () => {
    const status = await cli(['db', 'status', '--json'], { env });
    assert.equal(status.status, 0, status.stderr);
    const parsed = JSON.parse(status.stdout);
    assert.equal(parsed.backend, 'sqlite');
    assert.deepEqual(parsed.pending, []);
    const migrate = await cli(['db', 'migrate'], { env });
    assert.equal(migrate.status, 0, migrate.stderr);
    assert.match(migrate.stdout, /schema version 2 of 2/);
  });

  test('trace --json prints the documented shape; an unknown id exits 1', async () => {
    const run = await cli(['trace', known.correlation_id, '--json'], { env });
    assert.equal(run.status, 0, run.stderr);
    const trace = JSON.parse(run.stdout);
    assert.deepEqual(Object.keys(trace), ['correlation_id', 'request', 'decisions', 'outcomes', 'comparisons']);
    assert.equal(trace.decisions[0].decision_id, known.decision_id);
    assert.equal(trace.outcomes[0].quality_score, 0.8);
    assert.match(run.stderr, /embedded SQLite store/);
    const text = await cli(['trace', known.correlation_id], { env });
    assert.match(text.stdout, /decision cli\/http: security-auditor 0\.820/);
    const unknown = await cli(['trace', randomUUID()], { env });
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /no decision with correlation id/);
  });

  test('stats --json prints the documented shape', async () => {
    const run = await cli(['stats', '--since', '1h', '--json'], { env });
    assert.equal(run.status, 0, run.stderr);
    const stats = JSON.parse(run.stdout);
    assert.deepEqual(Object.keys(stats), ['since', 'decisions', 'no_match_rate', 'cache_hit_rate', 'latency_ms', 'by_agent', 'by_path', 'comparisons']);
    assert.equal(stats.decisions, 2);
    assert.equal(stats.no_match_rate, 0.5);
    assert.deepEqual(stats.by_path, { cli: 1, local: 1 });
    assert.deepEqual(stats.by_agent, [{ agent: 'security-auditor', decisions: 1, mean_confidence: 0.82, outcomes: 1, success_rate: 1 }]);
    const bad = await cli(['stats', '--since', 'yesterday-ish'], { env });
    assert.equal(bad.status, 2);
  });

  test('--since takes durations and ISO times', () => {
    const now = Date.parse('2026-01-02T00:00:00Z');
    assert.equal(parseSince('24h', now).toISOString(), '2026-01-01T00:00:00.000Z');
    assert.equal(parseSince('30m', now).toISOString(), '2026-01-01T23:30:00.000Z');
    assert.equal(parseSince('2025-12-31T00:00:00Z', now).toISOString(), '2025-12-31T00:00:00.000Z');
  });
});

const database = await postgresForTests();
describe('switchboard db and stats on PostgreSQL', { skip: 'skip' in database ? database.skip : undefined }, () => {
  after(() => ('drop' in database ? database.drop() : undefined));
  const url = 'url' in database ? database.url : '';

  test('stats refuses a database behind on migrations; db migrate fixes it', async () => {
    const before = await cli(['db', 'status', '--db', url], { env });
    assert.equal(before.status, 1);
    assert.match(before.stdout, /pending +1 decision history/);
    const refused = await cli(['stats', '--db', url], { env });
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /switchboard db migrate/);
    assert.equal((await cli(['db', 'migrate', '--db', url], { env })).status, 0);
    const stats = await cli(['stats', '--db', url, '--json'], { env });
    assert.equal(stats.status, 0, stats.stderr);
    assert.equal(JSON.parse(stats.stdout).decisions, 0);
  });

  test('an unreachable database is a one-line error, exit 1', async () => {
    const run = await cli(['db', 'status', '--db', 'postgres://postgres@127.0.0.1:1/none'], { env });
    assert.equal(run.status, 1);
    assert.match(run.stderr, /^switchboard: .*unavailable/m);
    assert.doesNotMatch(run.stderr, /^\s+at /m);
  });
});
