import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import { decision, noMatch, tempFolder } from '../store/helpers.ts';
import { cli, OMNICLAUDE_INDEX } from './run-cli.ts';

const folder = await tempFolder();
after(() => folder.remove());
const db = path.join(folder.dir, 'decisions.db');
const env = { SWITCHBOARD_DATA_DIR: folder.dir, DATABASE_URL: '', KAFKA_BROKERS: '' };
const at = (secondsAgo: number) => new Date(Date.now() - secondsAgo * 1_000).toISOString();

// Recorded decisions; replayed over the same registry, two of them come out differently.
const kept = decision({ request: 'write a semantic commit message for the staged changes', selected_agent: 'commit', strategy: 'lexical', decided_at: at(50) });
const moved = decision({ request: 'debug the failing tests', selected_agent: 'testing', strategy: 'lexical', decided_at: at(40) });
const unmatched = noMatch({ request: 'what is the weather tomorrow', strategy: 'lexical', decided_at: at(30) });
const refused = noMatch({ request: '   ', error_code: 'INVALID_REQUEST', no_match_reason: null, strategy: null, decided_at: at(20) });
const reviewed = decision({ request: 'review this pull request', selected_agent: 'security-audit', strategy: 'lexical', decided_at: at(10) });
const changedRows = [moved, reviewed];

describe('switchboard replay', () => {
  before(async () => {
    const store = new SqliteStore(db);
    await store.migrate();
    await store.writeDecisions([kept, moved, unmatched, refused, reviewed]);
    await store.close();
  });
  const replay = (...args: string[]) => cli(['replay', '--from', 'db', '--since', '1h', '--db', db, '-r', OMNICLAUDE_INDEX, ...args], { env });

  test('--json prints the summary and the changed decisions in the documented shape', async () => {
    const run = await replay('--strategy', 'lexical', '--json');
    assert.equal(run.status, 0, run.stderr);
    const report = JSON.parse(run.stdout);
    assert.deepEqual(Object.keys(report), ['strategy', 'replayed', 'changed', 'skipped', 'by_agent', 'changes']);
    assert.deepEqual([report.strategy, report.replayed, report.changed, report.skipped], ['lexical', 5, 2, 0]);
    assert.deepEqual(report.by_agent, [
      { from: 'security-audit', to: 'pr-review', n: 1 },
      { from: 'testing', to: 'debug-intelligence', n: 1 },
    ]);
    assert.deepEqual(report.changes.map((row: { correlation_id: string }) => row.correlation_id), changedRows.map((d) => d.correlation_id));
    const [first] = report.changes;
    assert.deepEqual(Object.keys(first), ['correlation_id', 'request', 'strategy', 'original', 'replayed']);
    assert.deepEqual(first.original, { agent: 'testing', confidence: moved.confidence!.total, error_code: null, time_ms: moved.latency_ms });
    assert.deepEqual(Object.keys(first.replayed), ['agent', 'confidence', 'error_code', 'time_ms']);
    assert.equal(first.replayed.agent, 'debug-intelligence');
    assert.ok(first.replayed.confidence > 0.5 && first.replayed.time_ms >= 0);
    assert.deepEqual([first.request, first.strategy], ['debug the failing tests', 'lexical']);
  });

  test('the text report names the strategy, the counts, the moves by agent and each changed request', async () => {
    const run = await replay();
    assert.equal(run.status, 0, run.stderr);
    const lines = run.stdout.split('\n');
    assert.equal(lines[0], 'replayed 5 request(s) · strategy as recorded · 2 decision(s) changed');
    assert.ok(lines.includes('changed, by agent:'));
    assert.match(run.stdout, /^testing +debug-intelligence +1$/m);
    assert.match(run.stdout, new RegExp(`^${moved.correlation_id} +debug the failing tests +testing 0\\.820 → debug-intelligence 0\\.\\d{3}$`, 'm'));
    assert.match(run.stdout, new RegExp(`^${reviewed.correlation_id} +review this pull request +security-audit 0\\.820 → pr-review 0\\.\\d{3}$`, 'm'));
    assert.doesNotMatch(run.stdout, new RegExp(kept.correlation_id));
  });

  test('--record writes one comparison per request, which trace and stats show', async () => {
    const run = await replay('--strategy', 'lexical', '--record');
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /recorded 5 comparison\(s\)/);
    const trace = JSON.parse((await cli(['trace', moved.correlation_id, '--db', db, '--json'], { env })).stdout);
    assert.deepEqual(
      trace.comparisons.map((c: Record<string, unknown>) => [c.path_a, c.path_b, c.agent_a, c.agent_b, c.match]),
      [['original', 'replay:lexical', 'testing', 'debug-intelligence', false]],
    );
    const stats = JSON.parse((await cli(['stats', '--since', '1h', '--db', db, '--json'], { env })).stdout);
    assert.deepEqual(stats.comparisons, { n: 5, match_rate: 3 / 5, by_path_b: { 'replay:lexical': { n: 5, match_rate: 3 / 5 } } });
  });

  test('bad usage exits 2 and says what is missing', async () => {
    for (const [args, message] of [
      [['replay', '--since', '1h'], /--from kafka or --from db/],
      [['replay', '--from', 'db'], /--from db needs --since/],
      [['replay', '--from', 'kafka', '--kafka', '127.0.0.1:9'], /either --since T or --offsets/],
      [['replay', '--from', 'kafka', '--since', '1h', '--offsets', '0:1', '--kafka', '127.0.0.1:9'], /either --since T or --offsets/],
      [['replay', '--from', 'kafka', '--offsets', '0-12', '--kafka', '127.0.0.1:9'], /--offsets expects partition:offset/],
      [['replay', '--from', 'kafka', '--since', '1h'], /needs --kafka BROKERS/],
      [['replay', '--from', 'db', '--since', 'last tuesday'], /--since expects/],
    ] as const) {
      const run = await cli(args, { env });
      assert.equal(run.status, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message);
    }
  });

  test('replay --help documents its options; the command list names it', async () => {
    const help = await cli(['replay', '--help']);
    assert.equal(help.status, 0);
    for (const option of ['--from kafka', '--from db', '--since', '--offsets', '--kafka', '--topic-prefix', '--strategy', '--record', '--db', '--json']) {
      assert.ok(help.stdout.includes(option), `replay --help mentions ${option}`);
    }
    assert.match((await cli(['--help'])).stdout, /^ {2}replay --from kafka\|db/m);
  });
});
