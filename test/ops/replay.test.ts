import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { before, describe, test } from 'node:test';
import { openRouter } from '../../src/open-router.ts';
import { replay, type Recording } from '../../src/ops/replay.ts';
import type { Router } from '../../src/routing/router.ts';
import { REGISTRY } from '../service/helpers.ts';

function recording(userRequest: string, agent: string | null, strategy: string | null = 'lexical'): Recording {
  return {
    correlation_id: randomUUID(),
    request: { user_request: userRequest },
    original: { agent, confidence: agent === null ? null : 0.9, error_code: null, time_ms: 1, strategy },
  };
}

describe('replay', () => {
  let router: Router;
  before(async () => {
    ({ router } = await openRouter([REGISTRY], { defaultStrategy: 'lexical', cache: false, model: false }));
  });

  test('counts changed decisions by original → new agent, most frequent first', async () => {
    const report = await replay(
      [
        recording('debug the failing tests', 'testing'),
        recording('debug this crash', 'testing'),
        recording('review this pull request', 'security-audit'),
        recording('write a semantic commit message for the staged changes', 'commit'),
        recording('what is the weather tomorrow', 'research'),
      ],
      router,
    );
    assert.equal(report.replayed, 5);
    assert.equal(report.changed, 4);
    assert.deepEqual(report.by_agent, [
      { from: 'testing', to: 'debug-intelligence', n: 2 },
      { from: 'research', to: null, n: 1 },
      { from: 'security-audit', to: 'pr-review', n: 1 },
    ]);
  });

  test('a request the router refuses is that request\'s failure; the replay goes on', async () => {
    const report = await replay([recording('debug the failing tests', 'debug-intelligence', 'not-a-strategy'), recording('   ', null)], router);
    assert.equal(report.replayed, 2);
    assert.deepEqual(report.changes.map((row) => [row.strategy, row.replayed.agent, row.replayed.error_code]), [['not-a-strategy', null, 'INVALID_REQUEST']]);
  });

  test('a strategy that cannot run here stops the replay instead of changing every decision', async () => {
    await assert.rejects(replay([recording('debug the failing tests', 'debug-intelligence', 'hybrid')], router), { code: 'SERVICE_UNAVAILABLE' });
  });
});
