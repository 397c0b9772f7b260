import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assignRequest, assignVariant, type Experiment } from '../../src/experiments/index.ts';

const KEYS = 100_000;

function experiment(shares: readonly number[], overrides: Partial<Experiment> = {}): Experiment {
  return {
    name: 'e',
    salt: 'salt-1',
    key: 'user',
    enabled: true,
    variants: shares.map((share, i) => ({ name: `v${i}`, share, options: { routing_strategy: 'lexical' } })),
    ...overrides,
  };
}

/** The share of `keys` each variant received, in variant order. */
function observedShares(e: Experiment, keys: readonly string[]): number[] {
  const counts = new Map(e.variants.map((variant) => [variant.name, 0]));
  for (const key of keys) {
    const { name } = assignVariant(e, key);
    counts.set(name, counts.get(name)! + 1);
  }
  return [...counts.values()].map((count) => count / keys.length);
}

// Sequential ids are the hard case for a weak hash: neighbours differ in one character.
const sequential = Array.from({ length: KEYS }, (_, i) => `user-${i}`);

for (const shares of [[0.5, 0.5], [0.9, 0.1], [0.2, 0.3, 0.5], [0.25, 0, 0.75]]) {
  test(`${shares.join('/')}: shares observed over ${KEYS} keys are within ±2 points of the config`, () => {
    const observed = observedShares(experiment(shares), sequential);
    observed.forEach((share, i) => assert.ok(Math.abs(share - shares[i]) <= 0.02, `v${i}: ${share} vs ${shares[i]}`));
    if (shares.includes(0)) assert.equal(observed[shares.indexOf(0)], 0, 'a variant without share gets nothing');
  });
}

test('sticky: the same key always gets the same variant, in any process (pinned values)', () => {
  const e = experiment([0.5, 0.5]);
  for (const key of sequential.slice(0, 1000)) {
    const first = assignVariant(e, key).name;
    assert.equal(assignVariant(e, key).name, first);
    assert.equal(assignVariant(experiment([0.5, 0.5]), key).name, first, 'an equal experiment, e.g. reloaded, agrees');
  }
  // sha256 of salt NUL key: these change only if the hash does, which would reshuffle live experiments.
  assert.deepEqual(
    ['user-0', 'user-1', 'user-2', 'user-3', 'user-4', 'user-5'].map((key) => assignVariant(e, key).name),
    ['v0', 'v0', 'v1', 'v0', 'v1', 'v0'],
  );
});

test('a new salt reshuffles: about half of the keys change variant in a 50/50, and the split holds', () => {
  const keys = sequential.slice(0, 20_000);
  const before = experiment([0.5, 0.5]);
  const after = experiment([0.5, 0.5], { salt: 'salt-2' });
  const moved = keys.filter((key) => assignVariant(before, key).name !== assignVariant(after, key).name).length / keys.length;
  assert.ok(Math.abs(moved - 0.5) <= 0.02, `moved ${moved}`);
  observedShares(after, keys).forEach((share) => assert.ok(Math.abs(share - 0.5) <= 0.02, String(share)));
});

test('salt and key are hashed apart: ("ab", "c") and ("a", "bc") are different inputs', () => {
  const keys = sequential.slice(0, 2000);
  const moved = keys.filter(
    (key) => assignVariant(experiment([0.5, 0.5], { salt: 'ab' }), `c${key}`).name !== assignVariant(experiment([0.5, 0.5], { salt: 'a' }), `bc${key}`).name,
  ).length / keys.length;
  assert.ok(Math.abs(moved - 0.5) <= 0.05, `moved ${moved}`);
});

test('assignRequest: the enabled experiment, by session_id, user_id or the correlation id', () => {
  for (const key of ['session', 'user', 'correlation_id'] as const) {
    const e = experiment([0.2, 0.3, 0.5], { key });
    // Over 100 requests whose three keys differ, only the right key explains every assignment.
    for (let i = 0; i < 100; i++) {
      const context = { session_id: `session-${i}`, user_id: `user-${i}` };
      const correlationId = `correlation-${i}`;
      const by = { session: context.session_id, user: context.user_id, correlation_id: correlationId }[key];
      assert.deepEqual(assignRequest([e], context, correlationId), { experiment: 'e', variant: assignVariant(e, by) });
    }
  }
  const disabled = experiment([0.5, 0.5], { name: 'old', enabled: false });
  assert.equal(assignRequest([disabled, experiment([0.5, 0.5])], { user_id: 'u' }, 'c')?.experiment, 'e');
});

test('assignRequest: nothing without an enabled experiment or without the key', () => {
  const correlationId = '7f1c3a52-0d6e-4b8f-9a51-2b7e4c9d0e13';
  assert.equal(assignRequest([], { user_id: 'u' }, correlationId), undefined);
  assert.equal(assignRequest([experiment([0.5, 0.5], { enabled: false })], { user_id: 'u' }, correlationId), undefined);
  const bySession = experiment([0.5, 0.5], { key: 'session' });
  assert.equal(assignRequest([bySession], undefined, correlationId), undefined);
  assert.equal(assignRequest([bySession], { user_id: 'u' }, correlationId), undefined);
  assert.equal(assignRequest([bySession], { session_id: '' }, correlationId), undefined);
});
