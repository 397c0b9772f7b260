import assert from 'node:assert/strict';
import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { formatIssue, loadRegistry } from '../../src/registry/load.ts';
import { errors, EVAL, FIXTURES, put, tempDir } from './helpers.ts';

test('every fixture registry loads with its expected count and no errors', async () => {
  const expected: [string, number][] = [
    [path.join(FIXTURES, 'omniclaude-agents'), 52],
    [path.join(FIXTURES, 'omniclaude-agents/agent-registry.yaml'), 22],
    [path.join(FIXTURES, 'claude-agents/voltagent'), 158],
    [path.join(FIXTURES, 'claude-agents/wshobson'), 201],
    [path.join(EVAL, 'clinc150/registry.yaml'), 150],
  ];
  for (const [source, count] of expected) {
    const registry = await loadRegistry([source]);
    assert.deepEqual(errors(registry), [], source);
    assert.equal(registry.agents.length, count, source);
    assert.match(registry.version, /^[0-9a-f]{16}$/);
    assert.deepEqual(registry.sources, [source]);
  }
});

test('the version is stable across loads and changes with any routed field', async (t) => {
  const dir = await tempDir(t);
  await cp(path.join(FIXTURES, 'omniclaude-agents'), dir, { recursive: true });
  const first = await loadRegistry([dir]);
  const second = await loadRegistry([dir]);
  assert.equal(first.version, second.version);

  // Rewriting a file with the same content (a new mtime) keeps the version.
  const commit = path.join(dir, 'commit.yaml');
  const text = await readFile(commit, 'utf8');
  await writeFile(commit, text);
  assert.equal((await loadRegistry([dir])).version, first.version);

  await writeFile(commit, text.replace('Git commit specialist for semantic', 'Git commit expert for semantic'));
  const changed = await loadRegistry([dir]);
  assert.notEqual(changed.version, first.version);
  assert.match(changed.byName.get('agent-commit')?.description ?? '', /^Git commit expert/);

  // Where the files live is not part of the version: the same definitions elsewhere agree.
  const elsewhere = await tempDir(t);
  await cp(dir, elsewhere, { recursive: true });
  assert.equal((await loadRegistry([elsewhere])).version, changed.version);
});

test('issues format as file:line: field: message', () => {
  assert.equal(
    formatIssue({ file: 'a.yaml', line: 7, field: 'agents[3].triggers', message: 'expected a list of strings', severity: 'error' }),
    'a.yaml:7: agents[3].triggers: expected a list of strings',
  );
  assert.equal(formatIssue({ file: 'b.md', line: 0, message: 'cannot read: EACCES', severity: 'error' }), 'b.md: cannot read: EACCES');
});

test('an unreadable path is an error issue, and the other paths still load', async (t) => {
  const dir = await tempDir(t);
  const missing = path.join(dir, 'missing');
  await put(dir, 'ok/agents.yaml', 'agents:\n  - name: ok\n');
  const registry = await loadRegistry([missing, path.join(dir, 'ok')]);
  assert.deepEqual(registry.agents.map((agent) => agent.name), ['ok']);
  assert.equal(registry.issues.length, 1);
  assert.match(formatIssue(registry.issues[0]), new RegExp(`^${missing}: cannot read: ENOENT`));
});

test('folders are walked in sorted path order; hidden folders and node_modules skipped, .claude kept', async (t) => {
  const dir = await tempDir(t);
  const agent = (name: string) => `---\nname: ${name}\ndescription: ${name} things\n---\n`;
  await put(dir, 'b/zeta.md', agent('zeta'));
  await put(dir, 'a.yaml', 'agents:\n  - name: first\n  - name: second\n');
  await put(dir, 'b/alpha.md', agent('alpha'));
  await put(dir, '.claude/agents/claude.md', agent('claude'));
  await put(dir, '.git/hooks/hidden.md', agent('hidden'));
  await put(dir, 'node_modules/pkg/dep.md', agent('dep'));
  await put(dir, 'notes.txt', 'not an agent');
  const registry = await loadRegistry([dir]);
  assert.deepEqual(registry.agents.map((a) => a.name), ['claude', 'first', 'second', 'alpha', 'zeta']);
  assert.deepEqual(registry.issues, []);
});

test('several paths load in the order given; a file reached twice is read once', async (t) => {
  const dir = await tempDir(t);
  const one = await put(dir, 'one/agents.yaml', 'agents:\n  - name: shared\n    description: from one\n');
  await put(dir, 'two/agents.yaml', 'agents:\n  - name: shared\n    description: from two\n  - name: other\n');
  const registry = await loadRegistry([path.join(dir, 'two'), path.join(dir, 'one'), one]);
  assert.deepEqual(registry.agents.map((a) => [a.name, a.description]), [['shared', 'from two'], ['other', '']]);
  assert.deepEqual(registry.issues.map((issue) => [issue.file, issue.line, issue.severity]), [[one, 2, 'warning']]);
  assert.match(registry.issues[0].message, /kept the definition at .*two\/agents\.yaml:2$/);
});

test('a loaded registry is immutable', async () => {
  const registry = await loadRegistry([path.join(FIXTURES, 'omniclaude-agents/commit.yaml')]);
  assert.ok(Object.isFrozen(registry) && Object.isFrozen(registry.agents) && Object.isFrozen(registry.agents[0]));
  assert.ok(Object.isFrozen(registry.agents[0].triggers));
});
