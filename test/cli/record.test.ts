/**
 * The one-shot commands record what they decide when a database is configured, and
 * `feedback` records an outcome: the trace shows both (issue 7, "every path records").
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { tempFolder } from '../store/helpers.ts';
import { cli, OMNICLAUDE } from './run-cli.ts';

const folder = await tempFolder();
after(() => folder.remove());
const db = path.join(folder.dir, 'decisions.db');
// No DATABASE_URL from the developer's shell: only --db chooses the store.
const env = { SWITCHBOARD_DATA_DIR: folder.dir, DATABASE_URL: '', KAFKA_BROKERS: '' };

function recordedId(stderr: string): string {
  const match = /decision recorded as ([0-9a-f-]{36})/.exec(stderr);
  assert.ok(match, stderr);
  return match[1];
}

describe('recording from the CLI', () => {
  test('route --db records the decision (routing_path cli) and says its correlation id; without a database nothing is written', async () => {
    const run = await cli(['route', 'write a commit message for the staged changes', '-r', OMNICLAUDE, '--strategy', 'lexical', '--db', db, '--json'], { env });
    assert.equal(run.status, 0, run.stderr);
    const id = recordedId(run.stderr);
    const trace = JSON.parse((await cli(['trace', id, '--db', db, '--json'], { env })).stdout);
    assert.equal(trace.request.user_request, 'write a commit message for the staged changes');
    assert.equal(trace.decisions.length, 1);
    assert.equal(trace.decisions[0].routing_path, 'cli');
    assert.equal(trace.decisions[0].selected_agent, JSON.parse(run.stdout).selected_agent);
    const plain = await cli(['route', 'write a commit message', '-r', OMNICLAUDE, '--strategy', 'lexical'], { env });
    assert.doesNotMatch(plain.stderr, /recorded/);
  });

  test('request without a service records its local answer with --db', async () => {
    const run = await cli(['request', 'debug the failing tests', '-r', OMNICLAUDE, '--db', db, '--json'], { env });
    assert.equal(run.status, 0, run.stderr);
    const { correlation_id, routing_path } = JSON.parse(run.stdout);
    assert.equal(routing_path, 'local');
    const trace = JSON.parse((await cli(['trace', correlation_id, '--db', db, '--json'], { env })).stdout);
    assert.equal(trace.decisions[0].routing_path, 'local');
  });

  test('feedback records an outcome; unknown ids exit 1, bad outcomes and usage exit 2', async () => {
    const routed = await cli(['route', 'review this pull request', '-r', OMNICLAUDE, '--strategy', 'lexical', '--db', db], { env });
    const id = recordedId(routed.stderr);
    const ok = await cli(['feedback', id, '--success', '--score', '0.9', '--note', "it's fine'); drop table outcomes; --", '--db', db, '--json'], { env });
    assert.equal(ok.status, 0, ok.stderr);
    assert.deepEqual(JSON.parse(ok.stdout), { recorded: true, correlation_id: id });
    const trace = JSON.parse((await cli(['trace', id, '--db', db, '--json'], { env })).stdout);
    assert.deepEqual(trace.outcomes.map((o: { success: boolean; quality_score: number; note: string; source: string }) => [o.success, o.quality_score, o.note, o.source]), [
      [true, 0.9, "it's fine'); drop table outcomes; --", 'cli'],
    ]);
    const unknown = await cli(['feedback', randomUUID(), '--failure', '--db', db], { env });
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /no decision with correlation id/);
    for (const args of [['--success', '--score', '2'], ['--success', '--note', 'x'.repeat(2_001)], [], ['--success', '--failure']]) {
      const bad = await cli(['feedback', id, ...args, '--db', db], { env });
      assert.equal(bad.status, 2, `${args.join(' ')}: ${bad.stderr}`);
      assert.match(bad.stderr, /^switchboard: /);
    }
  });
});
