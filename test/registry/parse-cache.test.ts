import assert from 'node:assert/strict';
import { readFile, utimes } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { loadRegistry } from '../../src/registry/load.ts';
import { FIXTURES, put, tempDir, warnings } from './helpers.ts';

const OMNICLAUDE = path.join(FIXTURES, 'omniclaude-agents');

test('a load through the parse cache gives the same registry as a plain load, warnings included', async (t) => {
  const cacheFile = path.join(await tempDir(t), 'cache.json');
  const plain = await loadRegistry([OMNICLAUDE]);
  const first = await loadRegistry([OMNICLAUDE], { parseCache: cacheFile });
  const second = await loadRegistry([OMNICLAUDE], { parseCache: cacheFile });
  for (const cached of [first, second]) {
    assert.equal(cached.version, plain.version);
    assert.deepEqual(cached.agents, plain.agents);
    assert.deepEqual(cached.issues, plain.issues);
  }
  assert.equal(warnings(second).length, 2, 'the duplicate-name and explicit-only warnings survive the cache');
  assert.ok(Object.isFrozen(second.agents[0]) && Object.isFrozen(second.agents[0].triggers));
});

test('a changed file is parsed again; an unchanged one comes from the cache', async (t) => {
  const dir = await tempDir(t);
  const cacheFile = path.join(dir, 'cache', 'registry.json');
  const file = await put(dir, 'agents/team.yaml', 'agents:\n  - name: alpha\n    description: first\n');
  assert.equal((await loadRegistry([path.join(dir, 'agents')], { parseCache: cacheFile })).agents[0].description, 'first');
  const cached = JSON.parse(await readFile(cacheFile, 'utf8')) as { files: Record<string, unknown> };
  assert.deepEqual(Object.keys(cached.files), [path.resolve(file)]);

  await put(dir, 'agents/team.yaml', 'agents:\n  - name: alpha\n    description: second, longer\n');
  const later = new Date(Date.now() + 5000);
  await utimes(file, later, later);
  assert.equal((await loadRegistry([path.join(dir, 'agents')], { parseCache: cacheFile })).agents[0].description, 'second, longer');
});

test('a damaged cache file is ignored, not an error', async (t) => {
  const dir = await tempDir(t);
  const cacheFile = await put(dir, 'cache.json', '{not json');
  const registry = await loadRegistry([OMNICLAUDE], { parseCache: cacheFile });
  assert.equal(registry.agents.length, 52);
  assert.equal(JSON.parse(await readFile(cacheFile, 'utf8')).format > 0, true, 'rewritten whole');
});
