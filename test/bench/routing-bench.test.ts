import { test } from 'node:test';
import assert from 'node:assert/strict';
import { benchRegistry } from '../../src/bench/routing-bench.ts';
import { put, tempDir } from '../registry/helpers.ts';

const REGISTRY = `agents:
  - name: agent-commit
    description: Writes git commit messages
    triggers: [commit message, git commit]
  - name: agent-kubernetes
    description: Deploys kubernetes clusters
    triggers: [kubernetes, helm chart]
`;

test('benchRegistry measures load, miss, hit and throughput for one registry (values only, never timings)', async (t) => {
  const file = await put(await tempDir(t), 'agents.yaml', REGISTRY);
  const requests = ['write a commit message', 'deploy the helm chart to kubernetes', 'bake some bread'];
  const result = await benchRegistry('tiny', [file], requests, 'enhanced_fuzzy_matching', {}, 30);
  assert.deepEqual(Object.keys(result).sort(), [
    'agents',
    'decisions_per_s',
    'hit_p50_us',
    'load_ms',
    'miss_p50_us',
    'miss_p99_us',
    'name',
    'strategy',
  ]);
  assert.equal(result.name, 'tiny');
  assert.equal(result.strategy, 'enhanced_fuzzy_matching');
  assert.equal(result.agents, 2);
  for (const field of ['load_ms', 'miss_p50_us', 'miss_p99_us', 'hit_p50_us', 'decisions_per_s'] as const) {
    assert.ok(Number.isFinite(result[field]) && result[field] > 0, `${field} = ${result[field]}`);
  }
  assert.ok(result.miss_p99_us >= result.miss_p50_us, 'p99 is never below p50');
  assert.ok(Number.isInteger(result.decisions_per_s));
});

test('benchRegistry rejects an unknown strategy', async (t) => {
  const file = await put(await tempDir(t), 'agents.yaml', REGISTRY);
  await assert.rejects(benchRegistry('tiny', [file], ['x'], 'no_such_strategy', {}, 1), { code: 'UNKNOWN_STRATEGY' });
});
