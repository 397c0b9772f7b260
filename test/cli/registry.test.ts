import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { BIN, CONCURRENCY, cli, escapeRegExp, hasStackTrace, OMNICLAUDE, OMNICLAUDE_INDEX, ROOT, tempDir } from './run-cli.ts';

const BROKEN_YAML = 'agents:\n  - name: fine-agent\n    description: loads\n  - name: [unclosed\n    description: broken\n';

describe('switchboard registry', { concurrency: CONCURRENCY }, () => {
  test('validate on the bundled fixtures exits 0 and says valid with the agent count', async () => {
    const run = await cli(['registry', 'validate', OMNICLAUDE, 'fixtures/claude-agents/voltagent']);
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /^valid: 210 agents, 0 errors, \d+ warnings, version [0-9a-f]{16}$/m);
  });

  test('validate reports warnings as file:line rows without failing', async () => {
    const run = await cli(['registry', 'validate', OMNICLAUDE]);
    assert.equal(run.status, 0);
    assert.match(run.stdout, /^warning: fixtures\/omniclaude-agents\/address-pr-comments\.yaml:\d+: .*duplicate agent name/m);
  });

  test('validate on a folder with a broken YAML file exits 1 and prints file:line: rows', async (t) => {
    const dir = await tempDir(t);
    const bad = path.join(dir, 'bad.yaml');
    await writeFile(bad, BROKEN_YAML);
    await writeFile(path.join(dir, 'good.yaml'), 'agents:\n  - name: good-agent\n    triggers: [good]\n');
    const run = await cli(['registry', 'validate', dir]);
    assert.equal(run.status, 1);
    assert.match(run.stdout, new RegExp(`^error: ${escapeRegExp(bad)}:[1-9]\\d*: .+`, 'm'));
    assert.match(run.stdout, /^invalid: \d+ agents?, 1 errors, /m);
    assert.equal(hasStackTrace(run.stdout + run.stderr), false);
  });

  test('validate --json reports validity, counts, version and located issues', async (t) => {
    const dir = await tempDir(t);
    const bad = path.join(dir, 'bad.yaml');
    await writeFile(bad, BROKEN_YAML);
    const run = await cli(['registry', 'validate', '--json', dir]);
    assert.equal(run.status, 1);
    const report = JSON.parse(run.stdout) as { valid: boolean; agents: number; registry_version: string; issues: { file: string; line: number; severity: string; message: string }[] };
    assert.equal(report.valid, false);
    assert.match(report.registry_version, /^[0-9a-f]{16}$/);
    const [issue] = report.issues.filter((i) => i.severity === 'error');
    assert.equal(issue.file, bad);
    assert.ok(issue.line >= 1);
    assert.notEqual(issue.message, '');
  });

  test('list --json prints every agent with its name, format and definition', async () => {
    const run = await cli(['registry', 'list', '--json', OMNICLAUDE_INDEX]);
    assert.equal(run.status, 0, run.stderr);
    const agents = JSON.parse(run.stdout) as { name: string; title: string; sourceFormat: string; definitionPath: string }[];
    assert.equal(agents.length, 22);
    const names = agents.map((agent) => agent.name);
    assert.equal(new Set(names).size, names.length, 'names are unique');
    assert.ok(names.includes('commit'));
    for (const agent of agents) {
      assert.equal(typeof agent.title, 'string');
      assert.ok(['central_index', 'onex'].includes(agent.sourceFormat), agent.sourceFormat);
      assert.notEqual(agent.definitionPath, '');
    }
  });

  test('list prints a table and the registry version', async () => {
    const run = await cli(['registry', 'list', OMNICLAUDE_INDEX]);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^name\s+format\s+routed\s+title\s+definition$/m);
    assert.match(run.stdout, /^commit\s+central_index\s+auto\s+Git Commit Specialist\s/m);
    assert.match(run.stdout, /^22 agents, version [0-9a-f]{16}$/m);
  });

  test('list says which agents only an explicit request reaches', async () => {
    const run = await cli(['registry', 'list', OMNICLAUDE]);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^agent-epic-worker\s+onex\s+explicit\s+Epic Worker\s/m);
    assert.match(run.stdout, /^52 agents \(1 reached by explicit request only\), version [0-9a-f]{16}$/m);
  });

  test('a reader that stops early (`| head`) ends the command quietly, with no stack trace', async () => {
    const child = spawn(BIN, ['registry', 'list', 'fixtures/claude-agents/wshobson', 'fixtures/claude-agents/voltagent', '--json'], { cwd: ROOT });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    // Megabytes of JSON: the first chunk arrives long before the last is written.
    child.stdout.once('data', () => child.stdout.destroy());
    const [status] = await once(child, 'close');
    assert.equal(status, 0, stderr);
    assert.equal(hasStackTrace(stderr), false, stderr);
  });

  test('without an action or a path exits 2 with the usage', async () => {
    for (const args of [['registry'], ['registry', 'validate'], ['registry', 'check', OMNICLAUDE]]) {
      const run = await cli(args);
      assert.equal(run.status, 2, args.join(' '));
      assert.match(run.stderr, /usage: switchboard registry validate\|list/);
    }
  });
});
