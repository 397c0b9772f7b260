import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { loadRegistry } from '../../src/registry/load.ts';
import { Router } from '../../src/routing/router.ts';
import { registryOf } from './registry-fixture.ts';

const CLINC150 = path.join(import.meta.dirname, '../../eval/clinc150/registry.yaml');

test('lexical over a registry described by examples: the words that tell agents apart decide', async () => {
  // Four CLINC150 intents, 100 examples each. Nearest examples alone send these requests to
  // the neighbour that shares most words ("meaning", "change my oil"); the examples' word
  // classifier learns that "meaning of <word>" is a definition and "when" a schedule.
  const clinc = await loadRegistry([CLINC150]);
  const four = ['definition', 'meaning_of_life', 'oil_change_when', 'oil_change_how'];
  const registry = { ...clinc, agents: clinc.agents.filter((agent) => four.includes(agent.name)), version: 'clinc-four' };
  const router = await Router.create(registry, { defaultStrategy: 'lexical', cache: false });
  for (const [request, agent] of [
    ['tell me the meaning of hegemony', 'definition'],
    ['when do i need to change my motor oil', 'oil_change_when'],
    ['what is the meaning of life', 'meaning_of_life'],
    ['how do i change the oil in my car', 'oil_change_how'],
  ]) {
    assert.equal((await router.route({ user_request: request })).selected_agent, agent, request);
  }
});

test('lexical: two agents with the same examples are a tie, not a confident pick', async () => {
  const examples = ['freeze my card', 'i lost my debit card, lock it', 'block my credit card now', 'my wallet was stolen, stop my card', 'pause my card for a while'];
  const registry = registryOf([
    { name: 'twin-one', examples },
    { name: 'twin-two', examples },
    { name: 'play-music', examples: ['play some jazz', 'put on my workout playlist', 'play the next song', 'start playing music', 'play something relaxing'] },
  ]);
  const router = await Router.create(registry, { defaultStrategy: 'lexical', cache: false });
  const result = await router.route({ user_request: 'lock my card', options: { min_confidence: 0 } });
  const [first, second] = result.recommendations;
  assert.deepEqual(new Set([first.agent_name, second.agent_name]), new Set(['twin-one', 'twin-two']));
  assert.ok(first.confidence.total - second.confidence.total < 0.15, `${first.confidence.total} vs ${second.confidence.total}`);
});
