import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { loadRegistry } from '../../src/registry/load.ts';
import { onexName } from '../../src/registry/onex.ts';
import { errors, FIXTURES, put, tempDir, warnings } from './helpers.ts';

const OMNICLAUDE = path.join(FIXTURES, 'omniclaude-agents');

test('the omniclaude folder gives 52 routable agents and no errors', async () => {
  const registry = await loadRegistry([OMNICLAUDE]);
  assert.equal(registry.agents.length, 52);
  assert.deepEqual(errors(registry), []);
  assert.equal(registry.byName.size, 52);
  assert.ok(registry.agents.every((agent) => agent.sourceFormat === 'onex' && agent.name.startsWith('agent-')));
});

test('the two address-pr-comments files collide: one warning naming both, the file named after the agent kept', async () => {
  const registry = await loadRegistry([OMNICLAUDE]);
  const [duplicate, ...others] = warnings(registry);
  assert.deepEqual(others.map((issue) => issue.field), ['description'], 'the other warning is the explicit-only agent\'s');
  assert.equal(duplicate.file, path.join(OMNICLAUDE, 'address-pr-comments.yaml'));
  assert.match(duplicate.message, /duplicate agent name 'agent-address-pr-comments'/);
  assert.ok(duplicate.message.includes(path.join(OMNICLAUDE, 'agent-address-pr-comments.yaml')));
  assert.equal(registry.byName.get('agent-address-pr-comments')?.definitionPath, path.join(OMNICLAUDE, 'agent-address-pr-comments.yaml'));
});

test('an agent whose description says it is not auto-triggered by routing is explicit-only, with a warning; a comment does not count', async () => {
  const registry = await loadRegistry([OMNICLAUDE]);
  assert.deepEqual(registry.agents.filter((agent) => agent.explicitOnly).map((agent) => agent.name), ['agent-epic-worker']);
  const [warning] = warnings(registry).filter((issue) => issue.field === 'description');
  assert.deepEqual([warning.file, warning.line], [path.join(OMNICLAUDE, 'agent-epic-worker.yaml'), 23], 'at the description, where the words are');
  assert.match(warning.message, /'agent-epic-worker' is explicit-only: its description says 'not auto-triggered by routing'/);
  // agent-task-verifier says so in a YAML comment only: its definition leaves it routable.
  assert.equal(registry.byName.get('agent-task-verifier')?.explicitOnly, false);
});

test('central index entries describing a loaded ONEX agent become its aliases', async () => {
  const registry = await loadRegistry([OMNICLAUDE]);
  assert.deepEqual(registry.byName.get('agent-commit')?.aliases, ['commit']);
  assert.deepEqual(registry.byName.get('agent-api-architect')?.aliases, ['api-architect']);
  // The index key `agent-observability` is already the agent's name: no alias, no second agent.
  assert.deepEqual(registry.byName.get('agent-observability')?.aliases, []);
  assert.equal(registry.agents.filter((agent) => agent.aliases.length > 0).length, 20);
  assert.ok(!registry.byName.has('commit'));
});

test('routable name is agent- + file stem unless the stem already has the prefix', () => {
  assert.equal(onexName('/x/commit.yaml'), 'agent-commit');
  assert.equal(onexName('/x/agent-registry.yaml'), 'agent-registry');
  assert.equal(onexName('rag-query.yml'), 'agent-rag-query');
});

test('fields come from identity, activation patterns, capabilities, domain and purpose', async () => {
  const registry = await loadRegistry([path.join(OMNICLAUDE, 'commit.yaml')]);
  const commit = registry.byName.get('agent-commit');
  assert.ok(commit);
  assert.equal(commit.title, 'Git Commit Specialist');
  assert.equal(
    commit.description,
    'Git commit specialist for semantic commit messages without AI attribution. Generate well-formed git commit messages following conventional commits format with ticket references.',
  );
  assert.deepEqual(commit.triggers.slice(0, 3), ['commit', 'git commit', 'semantic commit']);
  assert.ok(commit.contextTriggers.includes('version control'));
  // domain_context.primary wins over domain: it is what the reference router compares.
  assert.equal(commit.domain, 'version_control');
  assert.ok(commit.capabilities.includes('semantic_commits: Generate semantic commit messages following conventional commit standards'));
  assert.ok(commit.capabilities.includes('commit_quality_scoring: Quality assessment of code changes before commit'));
  assert.equal(commit.definitionPath, path.join(OMNICLAUDE, 'commit.yaml'));
});

test('varying trigger keys land in the right lists', async () => {
  const registry = await loadRegistry([OMNICLAUDE]);
  const get = (name: string) => {
    const agent = registry.byName.get(name);
    assert.ok(agent, name);
    return agent;
  };
  // Nested `triggers: {primary, domain_specific, …}`; `anti_patterns.avoid_for`.
  const ast = get('agent-ast-generator');
  assert.ok(ast.triggers.includes('abstract syntax tree'));
  assert.ok(ast.antiTriggers.includes('runtime debugging'));
  // A phrase listed as context trigger and trigger counts once, as a trigger.
  assert.ok(ast.triggers.includes('intelligent code generation'));
  assert.ok(!ast.contextTriggers.includes('intelligent code generation'));
  // `trigger_keywords`, `context_indicators`, `anti_triggers`.
  const frontend = get('agent-frontend-developer');
  assert.ok(frontend.triggers.includes('build dashboard'));
  assert.ok(frontend.contextTriggers.includes('building user interface'));
  assert.ok(frontend.antiTriggers.includes('test ui'));
  // `automatic_triggers.keywords.primary`; top-level `activation_triggers.contextual`.
  assert.ok(get('agent-documentation-indexer').triggers.includes('index documentation'));
  assert.ok(get('agent-devops-infrastructure').contextTriggers.includes('infrastructure as code'));
  // Settings and delegation maps are not phrases.
  assert.ok(!get('agent-contract-driven-generator').contextTriggers.includes('agent-contract-validator'));
  assert.ok(!get('agent-repository-crawler-claude-code').contextTriggers.some((p) => p.includes('**')));
});

test('a declared name that differs from the file name is kept as an alias, with a warning', async (t) => {
  const dir = await tempDir(t);
  const file = await put(dir, 'helper.yaml', '# helper\nagent_identity:\n  name: agent-assistant\n');
  const registry = await loadRegistry([file]);
  assert.deepEqual(registry.agents.map((agent) => [agent.name, agent.aliases, agent.title]), [['agent-helper', ['agent-assistant'], 'Helper']]);
  assert.deepEqual(
    registry.issues.map((issue) => [issue.line, issue.field, issue.severity]),
    [[3, 'agent_identity.name', 'warning']],
  );
});

test('wrong types in ONEX routing fields are errors at their line, and the file loads no agent', async (t) => {
  const dir = await tempDir(t);
  const file = await put(dir, 'bad.yaml', 'agent_identity:\n  name: agent-bad\n  description: [not, text]\nactivation_patterns: nope\n');
  const registry = await loadRegistry([file]);
  assert.equal(registry.agents.length, 0);
  assert.deepEqual(
    registry.issues.map((issue) => [issue.line, issue.field, issue.message]),
    [
      [3, 'agent_identity.description', 'expected a string'],
      [4, 'activation_patterns', 'expected a mapping'],
    ],
  );
});

test('the rest of the file, keys included, becomes the body', async () => {
  const registry = await loadRegistry([OMNICLAUDE]);
  const commit = registry.byName.get('agent-commit');
  assert.ok(commit);
  assert.match(commit.body, /activation patterns/);
  assert.match(commit.body, /Detect anti-patterns and code smells in staged changes/);
});
