import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { formatIssue, loadRegistry } from '../../src/registry/load.ts';
import { EVAL, put, tempDir } from './helpers.ts';

const CLINC150 = path.join(EVAL, 'clinc150/registry.yaml');

test('clinc150: 150 agents with 100 examples each (its load time is measured by bench, not here)', async () => {
  const registry = await loadRegistry([CLINC150]);
  assert.deepEqual(registry.issues, []);
  assert.equal(registry.agents.length, 150);
  assert.ok(registry.agents.every((agent) => agent.examples.length === 100 && agent.sourceFormat === 'native'));
  const first = registry.agents[0];
  assert.deepEqual([first.name, first.title, first.domain], ['accept_reservations', 'accept reservations', 'kitchen_and_dining']);
  assert.equal(first.examples[0], 'can i make a reservation for redrobin');
});

test('every native key is read; unknown keys are ignored; a missing title comes from the name', async (t) => {
  const dir = await tempDir(t);
  const file = await put(
    dir,
    'agents.yaml',
    `version: 2
agents:
  - name: db-migrator
    description: Writes and checks database migrations.
    triggers: [migration, schema change]
    context_triggers: [alembic, flyway]
    anti_triggers: [data export]
    capabilities: [sql, rollback plans]
    domain: databases
    examples: ["add a column to users"]
    owner: data-team
`,
  );
  const registry = await loadRegistry([file]);
  assert.deepEqual(registry.issues, []);
  assert.deepEqual(registry.agents, [
    {
      name: 'db-migrator',
      title: 'Db Migrator',
      description: 'Writes and checks database migrations.',
      triggers: ['migration', 'schema change'],
      contextTriggers: ['alembic', 'flyway'],
      antiTriggers: ['data export'],
      capabilities: ['sql', 'rollback plans'],
      domain: 'databases',
      examples: ['add a column to users'],
      body: '',
      explicitOnly: false,
      aliases: [],
      definitionPath: file,
      sourceFormat: 'native',
    },
  ]);
});

test('explicit_only: true keeps an agent out of routing; a value that is not a boolean is an error at its line', async (t) => {
  const dir = await tempDir(t);
  const file = await put(dir, 'agents.yaml', 'agents:\n  - name: release-worker\n    explicit_only: true\n  - name: helper\n');
  const registry = await loadRegistry([file]);
  assert.deepEqual(registry.agents.map((agent) => [agent.name, agent.explicitOnly]), [['release-worker', true], ['helper', false]]);
  assert.deepEqual(registry.issues, [], 'a field is a deliberate setting: no warning');
  const workers = await put(dir, 'workers.yaml', 'agents:\n  - name: a\n    explicit_only: true\n  - name: b\n    description: Not auto-triggered by routing.\n');
  assert.deepEqual((await loadRegistry([workers])).issues.map((issue) => [issue.line, issue.message]), [
    [5, "'b' is explicit-only: its description says 'Not auto-triggered by routing', so only an explicit request (@b) reaches it"],
    [2, 'every agent is explicit-only: routing can select none of them'],
  ]);
  const bad = await put(dir, 'bad.yaml', 'agents:\n  - name: release-worker\n    explicit_only: "yes"\n');
  assert.deepEqual((await loadRegistry([bad])).issues.map(formatIssue), [`${bad}:3: agents[0].explicit_only: expected true or false`]);
});

test('a YAML syntax error is reported at its line and the file loads nothing', async (t) => {
  const dir = await tempDir(t);
  const file = await put(dir, 'broken.yaml', 'agents:\n  - name: a\n    triggers: [one, two\n  - name: b\n');
  const registry = await loadRegistry([file]);
  assert.equal(registry.agents.length, 0);
  assert.ok(registry.issues.length > 0 && registry.issues.every((issue) => issue.severity === 'error'));
  assert.match(formatIssue(registry.issues[0]), new RegExp(`^${file}:\\d+: YAML syntax error: `));
  assert.ok(registry.issues[0].line >= 3);
});

test('a missing name points at the entry; a wrong type at the field; the whole file is skipped', async (t) => {
  const dir = await tempDir(t);
  const file = await put(
    dir,
    'agents.yaml',
    `agents:
  - name: ok
    triggers: [fine]
  - title: Nameless
    description: no name here
  - name: typed
    triggers: deploy
  - name: listed
    examples:
      - good
      - 42
`,
  );
  const registry = await loadRegistry([file]);
  assert.deepEqual(registry.agents, []);
  assert.deepEqual(registry.issues.map(formatIssue), [
    `${file}:4: agents[1].name: is required`,
    `${file}:7: agents[2].triggers: expected a list of strings`,
    `${file}:11: agents[3].examples[1]: expected a string`,
  ]);
  assert.deepEqual(
    registry.issues.map((issue) => [issue.field, issue.severity]),
    [['agents[1].name', 'error'], ['agents[2].triggers', 'error'], ['agents[3].examples[1]', 'error']],
  );
});

test('a JSON native file loads, and its errors carry JSON line numbers', async (t) => {
  const dir = await tempDir(t);
  const good = await put(dir, 'good.json', JSON.stringify({ agents: [{ name: 'a', triggers: ['x'] }] }, null, 2));
  const bad = await put(
    dir,
    'bad.json',
    JSON.stringify({ agents: [{ name: 'b' }, { name: 'c', capabilities: 'everything' }] }, null, 2),
  );
  const registry = await loadRegistry([good, bad]);
  assert.deepEqual(registry.agents.map((agent) => agent.name), ['a']);
  assert.deepEqual(registry.issues.map(formatIssue), [`${bad}:8: agents[1].capabilities: expected a list of strings`]);
  const syntax = await put(dir, 'syntax.json', '{\n  "agents": [\n    {"name": "d"\n  ]\n}\n');
  const broken = await loadRegistry([syntax]);
  assert.equal(broken.agents.length, 0);
  assert.match(formatIssue(broken.issues[0]), new RegExp(`^${syntax}:[34]: YAML syntax error: `));
});

test('a top-level shape that is no known format is an error when named, skipped in a folder', async (t) => {
  const dir = await tempDir(t);
  const file = await put(dir, 'config.yaml', 'settings:\n  verbose: true\n');
  await put(dir, 'marketplace.json', '{"plugins": []}');
  const named = await loadRegistry([file]);
  assert.deepEqual(named.issues.map(formatIssue), [
    `${file}: not an agent file: expected a top-level \`agents:\` list (native), \`agents:\` map (central index) or \`agent_identity\` (ONEX)`,
  ]);
  const folder = await loadRegistry([dir]);
  assert.deepEqual([folder.agents.length, folder.issues.length], [0, 0]);
  const scalar = await put(dir, 'scalar.yaml', 'agents: 3\n');
  const wrong = await loadRegistry([scalar]);
  assert.deepEqual(wrong.issues.map(formatIssue), [`${scalar}:1: agents: expected a list of agents`]);
});
