import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { splitDescription } from '../../src/registry/claude-md.ts';
import { formatIssue, loadRegistry } from '../../src/registry/load.ts';
import { errors, FIXTURES, put, tempDir, warnings } from './helpers.ts';

const VOLTAGENT = path.join(FIXTURES, 'claude-agents/voltagent');
const WSHOBSON = path.join(FIXTURES, 'claude-agents/wshobson');

/** Files whose frontmatter strict YAML rejects (an unquoted `Triggers on:` in the description). */
const NOT_STRICT_YAML = [
  'gdpr-ccpa-compliance',
  'hipaa-compliance',
  'assumption-mapping',
  'backlog-grooming',
  'growth-loops',
  'ab-test-analysis',
  'cohort-analysis',
  'first-principles-thinking',
];

test('voltagent: 158 subagents, the 8 files strict YAML rejects loaded with a warning each', async () => {
  const registry = await loadRegistry([VOLTAGENT]);
  assert.equal(registry.agents.length, 158);
  assert.deepEqual(errors(registry), []);
  const warned = warnings(registry).map((issue) => path.basename(issue.file, '.md'));
  assert.deepEqual(warned.sort(), [...NOT_STRICT_YAML].sort());
  for (const issue of warnings(registry)) {
    assert.equal(issue.line, 3);
    assert.match(formatIssue(issue), /\.md:3: frontmatter is not valid YAML \(.+\); read as plain `key: value` lines$/);
  }
  for (const name of NOT_STRICT_YAML) assert.ok(registry.byName.has(name), name);
  assert.ok(registry.agents.every((agent) => agent.sourceFormat === 'claude_md' && agent.description !== ''));
});

test('a tolerant-loaded description keeps its prose and turns `Triggers on:` into triggers', async () => {
  const registry = await loadRegistry([VOLTAGENT]);
  const gdpr = registry.byName.get('gdpr-ccpa-compliance');
  assert.ok(gdpr);
  assert.equal(gdpr.description, 'Use when the user needs to understand GDPR or CCPA compliance, review data practices, or assess privacy requirements.');
  assert.deepEqual(gdpr.triggers, ['GDPR', 'CCPA', 'privacy compliance', 'data privacy', 'right to deletion', 'consent', 'data subject rights', 'California privacy']);
  assert.equal(gdpr.title, 'Gdpr Ccpa Compliance');
});

test('the description comes from the frontmatter; the body lands in the weak body field only', async () => {
  const registry = await loadRegistry([VOLTAGENT]);
  const api = registry.byName.get('api-designer');
  assert.ok(api);
  assert.match(api.description, /^Use this agent when designing new APIs/);
  assert.ok(!registry.agents.some((agent) => /context manager/i.test(agent.description)));
  assert.match(api.body, /context manager/i);
  assert.doesNotMatch(api.body, /^name:|description:/m);
});

test('code blocks in the body are left out', async (t) => {
  const dir = await tempDir(t);
  const file = await put(dir, 'coder.md', '---\nname: coder\ndescription: Writes code.\n---\nPrefers small diffs.\n```ts\nconst secretSauce = 1;\n```\nThen tests.\n');
  const [agent] = (await loadRegistry([file])).agents;
  assert.equal(agent.body, 'Prefers small diffs. Then tests.');
});

test('wshobson: 201 unique names, no duplicates; identical agents reported in 30 groups covering 88 agents', async () => {
  const registry = await loadRegistry([WSHOBSON]);
  assert.equal(registry.agents.length, 201);
  assert.equal(registry.byName.size, 201);
  assert.deepEqual(errors(registry), []);
  const identical = warnings(registry);
  assert.equal(identical.length, 30);
  assert.ok(identical.every((issue) => /differs only by name from/.test(issue.message)));
  const members = identical.flatMap((issue) => issue.message.match(/'[^']+'/g) ?? []);
  assert.equal(members.length, 88);
});

test('folded and quoted descriptions come out as clean one-line text', async () => {
  const registry = await loadRegistry([WSHOBSON]);
  const arm = registry.byName.get('arm-cortex-expert');
  assert.ok(arm);
  assert.match(arm.description, /^Senior embedded software engineer specializing in firmware and driver development for ARM Cortex-M microcontrollers \(Teensy, STM32, nRF52, SAMD\)\. /);
  assert.match(arm.description, /peripheral drivers\.$/);
  for (const agent of registry.agents) {
    assert.doesNotMatch(agent.description, /\s{2}|\n|^["'>]|["']$/, agent.name);
  }
});

test('both collections together: 24 names defined in both are reported, the first in path order kept', async () => {
  const registry = await loadRegistry([path.join(FIXTURES, 'claude-agents')]);
  const duplicates = warnings(registry).filter((issue) => issue.message.startsWith('duplicate agent name'));
  assert.equal(duplicates.length, 24);
  assert.equal(registry.agents.length, 158 + 201 - 24);
  assert.ok(registry.byName.get('python-pro')?.definitionPath.includes('/voltagent/'));
  const python = duplicates.find((issue) => issue.message.includes("'python-pro'"));
  assert.ok(python?.file.includes('/wshobson/') && python.message.includes('/voltagent/'));
});

test('example blocks: user turns become examples, the tags and assistant turns leave the description', () => {
  const split = splitDescription(
    'Use this agent when code needs review. Examples: <example>Context: a function was written. user: "Please review my sort function" assistant: "I will use the code-reviewer agent" <commentary>Review after writing.</commentary></example> <example>user: “Check this PR”</example>',
  );
  assert.equal(split.prose, 'Use this agent when code needs review.');
  assert.deepEqual(split.examples, ['Please review my sort function', 'Check this PR']);
  assert.deepEqual(split.triggers, []);
});

test('`Triggers on:` followed by prose is left alone', () => {
  const split = splitDescription('Triggers on: deploys to production, with a rollback plan.');
  assert.equal(split.prose, 'Triggers on: deploys to production, with a rollback plan.');
  assert.deepEqual(split.triggers, []);
});

test('Markdown without frontmatter is skipped in a folder, an error when named', async (t) => {
  const dir = await tempDir(t);
  const readme = await put(dir, 'README.md', '# Agents\n\nDocs.\n');
  await put(dir, 'agents/reviewer.md', '---\nname: reviewer\ndescription: Reviews code\n---\nBody\n');
  const folder = await loadRegistry([dir]);
  assert.deepEqual(folder.agents.map((agent) => agent.name), ['reviewer']);
  assert.deepEqual(folder.issues, []);
  const named = await loadRegistry([readme]);
  assert.deepEqual(named.issues.map(formatIssue), [`${readme}: not an agent file: expected YAML frontmatter with \`name\` and \`description\``]);
});

test('a subagent without a name is an error at the frontmatter line; wrong types too', async (t) => {
  const dir = await tempDir(t);
  const nameless = await put(dir, 'nameless.md', '---\ndescription: Does things\nmodel: sonnet\n---\n');
  const numeric = await put(dir, 'numeric.md', '---\nname: 42\ndescription: [a, b]\n---\n');
  const spaced = await put(dir, 'spaced.md', '---\nname: my agent\ndescription: x\n---\n');
  const registry = await loadRegistry([dir]);
  assert.equal(registry.agents.length, 0);
  assert.deepEqual(registry.issues.map(formatIssue), [
    `${nameless}:2: name: is required`,
    `${numeric}:2: name: expected a string`,
    `${numeric}:3: description: expected a string`,
    `${spaced}:2: name: expected a name without spaces`,
  ]);
});

test('any frontmatter strict YAML rejects is read line by line, with a warning', async (t) => {
  const dir = await tempDir(t);
  const file = await put(dir, 'broken.md', '---\nname: fixer\ndescription: Fixes: things: here\ntools: [Read\n---\n');
  const registry = await loadRegistry([dir]);
  assert.deepEqual(registry.agents.map((agent) => [agent.name, agent.description]), [['fixer', 'Fixes: things: here']]);
  assert.deepEqual(registry.issues.map((issue) => [issue.file, issue.severity]), [[file, 'warning']]);
});

test('a subagent without a description loads with a warning', async (t) => {
  const dir = await tempDir(t);
  const file = await put(dir, '.claude/agents/bare.md', '---\nname: bare\n---\n');
  const registry = await loadRegistry([dir]);
  assert.deepEqual(registry.agents.map((agent) => agent.title), ['Bare']);
  assert.deepEqual(registry.issues.map(formatIssue), [`${file}:2: description: missing: the agent can only be requested by name`]);
});

test('`disable-model-invocation: true`, or a description saying routing never invokes it, makes a subagent explicit-only', async (t) => {
  const dir = await tempDir(t);
  await put(dir, 'release.md', '---\nname: release-worker\ndescription: Cuts releases when the lead asks.\ndisable-model-invocation: true\n---\n');
  await put(dir, 'helper.md', '---\nname: helper\ndescription: Never invoked by the router; ask for it by name.\n---\n');
  await put(dir, 'cron.md', '---\nname: cron-doctor\ndescription: Finds out why jobs were not triggered automatically.\n---\n');
  // Frontmatter strict YAML rejects is read line by line, every value as text.
  await put(dir, 'tolerant.md', '---\nname: sweeper\ndescription: Sweeps: branches: nightly\ndisable-model-invocation: true\n---\n');
  const registry = await loadRegistry([dir]);
  assert.deepEqual(
    registry.agents.map((agent) => [agent.name, agent.explicitOnly]),
    [['cron-doctor', false], ['helper', true], ['release-worker', true], ['sweeper', true]],
  );
  assert.deepEqual(errors(registry), []);
});
