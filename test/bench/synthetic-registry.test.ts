import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { syntheticAgents, syntheticRequests, writeSyntheticRegistry } from '../../src/bench/synthetic-registry.ts';
import { prng } from '../../src/routing/strategies/training.ts';
import { loadRegistry } from '../../src/registry/load.ts';
import { errors, tempDir } from '../registry/helpers.ts';

const VOCABULARY = ['commit', 'deploy', 'review', 'kubernetes', 'security', 'performance', 'database', 'testing', 'docs', 'api'];

test('prng gives the same sequence for a seed, in [0, 1)', () => {
  const a = prng(42);
  const b = prng(42);
  const first = Array.from({ length: 1000 }, a);
  assert.deepEqual(Array.from({ length: 1000 }, b), first);
  assert.ok(first.every((value) => value >= 0 && value < 1));
  assert.notDeepEqual(Array.from({ length: 10 }, prng(43)), first.slice(0, 10));
});

test('synthetic agents are deterministic, uniquely named and built from the vocabulary', () => {
  const agents = syntheticAgents(200, VOCABULARY);
  assert.deepEqual(syntheticAgents(200, VOCABULARY), agents);
  assert.equal(agents.length, 200);
  assert.equal(new Set(agents.map((agent) => agent.name)).size, 200);
  const words = new Set(VOCABULARY);
  for (const agent of agents) {
    assert.match(agent.name, /^synthetic-\d{5}-\w+$/);
    for (const word of agent.description.split(' ')) assert.ok(words.has(word), word);
    assert.equal(agent.triggers.length, 4);
    assert.equal(agent.capabilities.length, 4);
    assert.ok(words.has(agent.domain));
  }
  assert.notDeepEqual(syntheticAgents(200, VOCABULARY, 7), agents, 'another seed, another registry');
});

test('synthetic requests are deterministic and made of vocabulary words after a filler', () => {
  const requests = syntheticRequests(50, VOCABULARY);
  assert.deepEqual(syntheticRequests(50, VOCABULARY), requests);
  assert.equal(requests.length, 50);
  for (const request of requests) {
    assert.match(request, /^(please|can you|i need to|help me|quickly|for our team) /);
    assert.ok(request.split(' ').length >= 5);
    assert.ok(!request.includes('undefined'), request);
  }
});

test('a written synthetic registry loads as a native registry without errors', async (t) => {
  const file = path.join(await tempDir(t), 'synthetic.yaml');
  await writeSyntheticRegistry(file, 100, VOCABULARY);
  const registry = await loadRegistry([file]);
  assert.deepEqual(errors(registry), []);
  assert.equal(registry.agents.length, 100);
  assert.ok(registry.agents.every((agent) => agent.sourceFormat === 'native' && agent.triggers.length > 0));
  assert.deepEqual(
    registry.agents.map((agent) => agent.name),
    syntheticAgents(100, VOCABULARY).map((agent) => agent.name),
  );
});
