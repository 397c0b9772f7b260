import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { HISTORY_POLICY, historicalScore, historySnapshot, NO_HISTORY } from '../../src/routing/history.ts';
import { Router } from '../../src/routing/router.ts';
import { registryOf } from './registry-fixture.ts';

describe('historical scores from outcomes', () => {
  test('no outcomes is the prior mean: 0.5, no change to any confidence', () => {
    assert.equal(historicalScore({ successes: 0, failures: 0 }), 0.5);
  });

  test('a few outcomes move the score a little; many move it up to the bound the window and prior allow', () => {
    assert.equal(historicalScore({ successes: 2, failures: 0 }), 7 / 12);
    const bound = (HISTORY_POLICY.perAgent + HISTORY_POLICY.priorSuccesses) / (HISTORY_POLICY.perAgent + HISTORY_POLICY.priorSuccesses + HISTORY_POLICY.priorFailures);
    assert.equal(historicalScore({ successes: HISTORY_POLICY.perAgent, failures: 0 }), bound);
    assert.equal(historicalScore({ successes: 1_000, failures: 0 }), bound);
    assert.ok(Math.abs(historicalScore({ successes: 0, failures: 1_000 }) - (1 - bound)) < 1e-12);
    // Over the window, the rate is kept and the weight is the window's.
    assert.ok(Math.abs(historicalScore({ successes: 750, failures: 250 }) - (75 + 5) / 110) < 1e-12);
  });

  test('the snapshot version depends on the counts only, not their order', () => {
    const a = historySnapshot([{ agent: 'x', successes: 3, failures: 1 }, { agent: 'y', successes: 0, failures: 2 }]);
    const b = historySnapshot([{ agent: 'y', successes: 0, failures: 2 }, { agent: 'x', successes: 3, failures: 1 }]);
    const c = historySnapshot([{ agent: 'x', successes: 4, failures: 1 }, { agent: 'y', successes: 0, failures: 2 }]);
    assert.equal(a.version, b.version);
    assert.notEqual(a.version, c.version);
    assert.equal(a.score('x'), 8 / 14);
    assert.equal(a.score('unknown'), undefined);
    assert.equal(historySnapshot([]), NO_HISTORY);
  });
});

describe('Router.setHistory', () => {
  // Two agents with the same evidence for the request: the order is the registry's until outcomes speak.
  const registry = registryOf([
    { name: 'agent-a', description: 'Formats SQL queries', triggers: ['format sql'], capabilities: ['sql_formatting'] },
    { name: 'agent-b', description: 'Formats SQL queries', triggers: ['format sql'], capabilities: ['sql_formatting'] },
  ]);

  // Every candidate is shown: two equal agents leave a margin-aware strategy unsure of either.
  const request = { user_request: 'format sql for me', options: { min_confidence: 0 } };
  for (const strategy of ['lexical', 'enhanced_fuzzy_matching']) {
    test(`${strategy}: outcomes change historical_score and the ranking; cached decisions are not reused across snapshots`, async () => {
      const router = await Router.create(registry, { defaultStrategy: strategy });
      const before = await router.route(request);
      assert.equal(before.selected_agent, 'agent-a');
      router.setHistory(historySnapshot([{ agent: 'agent-b', successes: 40, failures: 0 }, { agent: 'agent-a', successes: 2, failures: 30 }]));
      const after = await router.route(request);
      assert.equal(after.routing_metadata.cache_hit, false);
      assert.equal(after.selected_agent, 'agent-b');
      const [b, a] = after.recommendations;
      assert.ok(b.confidence.historical_score > 0.5 && a.confidence.historical_score < 0.5);
      assert.ok(b.confidence.total > a.confidence.total);
    });
  }
});
