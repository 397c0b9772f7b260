import assert from 'node:assert/strict';
import { test } from 'node:test';
import { prng } from '../../src/routing/strategies/training.ts';
import { AgentVectors, closest } from '../../src/routing/strategies/semantic/agent-vectors.ts';
import { registryOf } from './registry-fixture.ts';

test('closest marks the agents a sort by closeness (ties: lower index first) puts first', () => {
  const random = prng(5);
  for (let round = 0; round < 2000; round++) {
    const agents = 1 + Math.floor(random() * 40);
    // Few distinct values in most rounds: ties at the line are the hard case.
    const levels = 1 + Math.floor(random() * 6);
    const closeness = Float64Array.from({ length: agents }, () => (random() < 0.7 ? Math.floor(random() * levels) / levels : random()));
    const count = 1 + Math.floor(random() * agents);
    const byCloseness = Array.from({ length: agents }, (_, agent) => agent).sort((a, b) => closeness[b] - closeness[a] || a - b);
    const expected = new Set(byCloseness.slice(0, count));
    const chosen = closest(closeness, count);
    for (let agent = 0; agent < agents; agent++) assert.equal(chosen[agent] === 1, expected.has(agent), `round ${round}, agent ${agent}`);
  }
});

test('closest leaves the closeness values as they were', () => {
  const closeness = Float64Array.of(0.3, 0.9, 0.1, 0.5, 0.7);
  closest(closeness, 2);
  assert.deepEqual([...closeness], [0.3, 0.9, 0.1, 0.5, 0.7]);
});

test("with meanOfBestTwo an agent scores the mean of its two best texts: one lucky text does not carry it", async () => {
  // Texts are placed by hand in two dimensions; the request points along the first.
  const place = (text: string): [number, number] => (text.includes('lucky phrase') ? [1, 0] : text.includes('steady') ? [0.8, 0.6] : [0, 1]);
  const services = {
    encoder: { model: 'hand-placed', dimension: 2, embedQuery: async () => Float32Array.of(1, 0), embedPassage: async (text: string) => Float32Array.from(place(text)) },
    embedPassages: async (texts: readonly string[]) => Float32Array.from(texts.flatMap(place)),
  };
  const registry = registryOf([
    { name: 'lucky', title: 'Unrelated title', triggers: ['a lucky phrase'] },
    { name: 'steady', title: 'A steady title', triggers: ['a steady trigger'] },
  ]);
  const first = async (meanOfBestTwo: boolean) =>
    registry.agents[(await AgentVectors.build(registry, services, { meanOfBestTwo })).match(Float32Array.of(1, 0))[0].agent].name;
  assert.equal(await first(false), 'lucky', 'the best text alone: its trigger matches exactly');
  assert.equal(await first(true), 'steady', 'two texts that both match well');
});
