import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findExplicitAgent } from '../../src/routing/explicit.ts';
import { registryOf } from './registry-fixture.ts';

const registry = registryOf([
  { name: 'agent-testing' },
  { name: 'agent-debug-intelligence', aliases: ['agent-debug'] },
  { name: 'agent-commit', aliases: ['agent-testing'] },
  { name: 'research' },
]);

const explicitName = (text: string) => findExplicitAgent(text, registry)?.name;

test('recognises the three explicit forms', () => {
  assert.equal(explicitName('use agent-testing to run the suite'), 'agent-testing');
  assert.equal(explicitName('please @agent-testing run the suite'), 'agent-testing');
  assert.equal(explicitName('agent-testing: run the suite'), 'agent-testing');
});

test('matches case-insensitively, names and aliases alike, a name before an alias', () => {
  assert.equal(explicitName('USE Agent-Debug-Intelligence now'), 'agent-debug-intelligence');
  assert.equal(explicitName('@agent-debug why does this crash?'), 'agent-debug-intelligence');
  assert.equal(explicitName('@agent-testing'), 'agent-testing', 'agent-commit only has it as an alias');
});

test('only selects agents that exist', () => {
  assert.equal(explicitName('use agent-unknown to do it'), undefined);
  assert.equal(explicitName('use an agent to help me with this task'), undefined);
  assert.equal(explicitName('@agent-unknown, then @agent-testing'), undefined, 'each form looks at its first occurrence only');
});

test('tries the forms in the reference order: use, then @, then the start', () => {
  assert.equal(explicitName('agent-commit or @agent-testing? use agent-debug-intelligence'), 'agent-debug-intelligence');
  assert.equal(explicitName('agent-commit or @agent-testing?'), 'agent-testing');
  assert.equal(explicitName('use agent-unknown, @agent-testing'), 'agent-testing', 'a form naming no agent falls through');
});

test('a plain word is explicit only after @; a leading name must be an agent- name', () => {
  assert.equal(explicitName('research the best caching approach'), undefined);
  assert.equal(explicitName('use research to find the best caching approach'), undefined);
  assert.equal(explicitName('@research the best caching approach'), 'research');
  assert.equal(explicitName('ask agent-testing to run the suite'), undefined);
});

test('addresses hyphenated names without the agent- prefix', () => {
  const claude = registryOf([{ name: 'vue-expert' }, { name: 'context-manager' }]);
  assert.equal(findExplicitAgent('@vue-expert migrate this component', claude)?.name, 'vue-expert');
  assert.equal(findExplicitAgent('use the context-manager agent to decide', claude)?.name, 'context-manager');
  assert.equal(findExplicitAgent('vue-expert: migrate this component', claude), undefined);
});
