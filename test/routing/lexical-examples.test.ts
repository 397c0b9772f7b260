import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Router } from '../../src/routing/router.ts';
import { registryOf } from './registry-fixture.ts';

// A registry described by examples (every agent has at least five): lexical routing adds
// its examples' word classifier to the nearest examples.
const registry = registryOf([
  { name: 'credit-limit', examples: ['what is my credit limit', 'how high is my credit limit', 'tell me my card limit', 'credit limit on my visa', 'what is the limit on my card'] },
  { name: 'credit-score', examples: ['what is my credit score', 'check my credit score', 'how good is my credit score', 'tell me my fico score', 'has my credit score changed'] },
  { name: 'play-music', examples: ['play some jazz', 'put on my workout playlist', 'play the next song', 'start playing music', 'play something relaxing'] },
]);

test('lexical over a registry described by examples: the words that tell agents apart decide, with a confident answer', async () => {
  const router = await Router.create(registry, { defaultStrategy: 'lexical', cache: false });
  for (const [request, agent] of [['can you raise the limit on my credit card', 'credit-limit'], ['is my fico score any better', 'credit-score'], ['play a song', 'play-music']]) {
    const result = await router.route({ user_request: request });
    assert.equal(result.selected_agent, agent, request);
    assert.ok(result.recommendations.length <= 10);
  }
  const none = await router.route({ user_request: 'book a table for two tonight' });
  assert.equal(none.selected_agent, null, 'words no example uses give no match');
});
