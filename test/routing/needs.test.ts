/**
 * A request that sequences two needs is routed by the first: the follow-up is work the chosen
 * agent hands on.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { followUpStart } from '../../src/routing/text/needs.ts';
import { askLexical, firstOf } from './registry-fixture.ts';

test('a follow-up need starts at a sequencing word after a comma, a semicolon or "and"', () => {
  const text = 'write the thumbnail service, and then containerize it';
  assert.equal(text.slice(followUpStart(text)), ', and then containerize it');
  for (const sequenced of ['audit the middleware and afterwards add tests', 'draft the schema; then migrate', 'fix the leak, then add a panel']) {
    assert.ok(followUpStart(sequenced) > 0, sequenced);
  }
});

test('one need, or a conditional\'s consequence, is no follow-up', () => {
  assert.equal(followUpStart('containerize the thumbnail service'), -1);
  assert.equal(followUpStart('if the build fails, then page the on-call engineer'), -1);
  assert.equal(followUpStart('and then there were none'), -1, 'a sequencing word needs a need before it');
});

test('a conditional word inside the first need does not make it a conditional', () => {
  const text = 'write a service that retries when it fails, then containerize it';
  assert.equal(text.slice(followUpStart(text)), ', then containerize it');
  const afterCondition = 'if the deploy fails, roll it back, then tell the team';
  assert.equal(afterCondition.slice(followUpStart(afterCondition)), ', then tell the team', 'the first need follows the condition');
});

test("words of the follow-up weigh less than the first need's", async () => {
  const ask = await askLexical([
    { name: 'service-developer', description: 'Writes backend services.' },
    { name: 'container-expert', description: 'Containerizes services with Docker images and Compose files.' },
  ]);
  const best = (request: string) => firstOf(ask(request));
  assert.equal(await best('write a backend service, and then containerize it with docker compose'), 'service-developer');
  assert.equal(await best('write a backend service and containerize it with docker compose'), 'container-expert', 'one need: all words count alike');
});
