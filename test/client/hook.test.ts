/**
 * `switchboard hook claude` as Claude Code runs it: JSON on stdin, hook JSON on stdout,
 * always exit 0 (exit 2 would block the user's prompt).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cp, mkdir } from 'node:fs/promises';
import { createServer } from 'node:http';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { startService } from '../../src/service/serve.ts';
import { BIN, cli as runCli, CONCURRENCY, ROOT, tempDir, type CliRun } from '../cli/run-cli.ts';
import { REGISTRY, silent } from '../service/helpers.ts';

const VOLTAGENT = path.join(ROOT, 'fixtures/claude-agents/voltagent/01-core-development');
const PROMPT = 'write a semantic commit message for the staged changes';

function hookInput(prompt: string, cwd = ROOT): string {
  return JSON.stringify({
    session_id: 'abc123',
    transcript_path: path.join(os.tmpdir(), 'transcript.jsonl'),
    cwd,
    permission_mode: 'default',
    hook_event_name: 'UserPromptSubmit',
    prompt,
  });
}

/** Runs the hook with `stdin`, as Claude Code does: a fresh process, the JSON piped in. */
function runHook(stdin: string, args: string[] = [], env: Record<string, string> = {}): Promise<CliRun & { ms: number }> {
  // Only the test says where the registry and the service are.
  const { SWITCHBOARD_REGISTRY: _, SWITCHBOARD_URL: __, SWITCHBOARD_HOOK_TIMEOUT_MS: ___, ...inherited } = process.env;
  const childEnv = { ...inherited, SWITCHBOARD_CACHE_DIR: path.join(os.tmpdir(), 'switchboard-test-cache'), ...env };
  const started = performance.now();
  const child = spawn(BIN, ['hook', 'claude', ...args], { cwd: ROOT, env: childEnv });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin.end(stdin);
  return once(child, 'close').then(([code]) => ({ status: code as number, stdout, stderr, ms: performance.now() - started }));
}

interface HookOutput {
  hookSpecificOutput: { hookEventName: string; additionalContext: string };
}

function contextOf(run: CliRun): string {
  assert.equal(run.status, 0, run.stderr);
  const lines = run.stdout.trimEnd().split('\n');
  assert.equal(lines.length, 1, 'one JSON line');
  const output = JSON.parse(lines[0]) as HookOutput;
  assert.deepEqual(Object.keys(output), ['hookSpecificOutput']);
  assert.equal(output.hookSpecificOutput.hookEventName, 'UserPromptSubmit');
  return output.hookSpecificOutput.additionalContext;
}

/** Exit 0 and nothing on stdout: Claude Code adds no context and the prompt goes on. */
function assertSilent(run: CliRun, stderr: RegExp): void {
  assert.equal(run.status, 0);
  assert.equal(run.stdout, '');
  assert.match(run.stderr, stderr);
}

describe('switchboard hook claude', { concurrency: CONCURRENCY, timeout: 60_000 }, () => {
  test('adds the ranked candidates (name, confidence, reason) as context, in well under 10,000 characters', async (t) => {
    const run = await runHook(hookInput(PROMPT), ['--registry', REGISTRY]);
    t.diagnostic(`hook process: ${run.ms.toFixed(0)} ms`);
    const context = contextOf(run);
    assert.match(context, /\(lexical, local router\)/);
    const ranked = context.split('\n').slice(1);
    assert.ok(ranked.length >= 1 && ranked.length <= 5, context);
    assert.match(ranked[0], /^1\. commit \(confidence (0\.\d\d|1\.00)\): \S/);
    for (const line of ranked) assert.match(line, /^\d\. \S+ \(confidence \d\.\d\d\): .+$/);
    assert.ok(context.length < 2_000, `${context.length} characters`);
  });

  test("finds the registry in the project's .claude/agents, from the input's cwd", async (t) => {
    const project = await tempDir(t);
    await mkdir(path.join(project, '.claude'));
    await cp(VOLTAGENT, path.join(project, '.claude/agents'), { recursive: true });
    const context = contextOf(await runHook(hookInput('design the REST endpoints and the OpenAPI spec for our API', project)));
    assert.match(context, /^1\. api-designer /m);
  });

  test('a prompt with pasted terminal colours is routed; --db records the local answer', async (t) => {
    const db = path.join(await tempDir(t), 'decisions.db');
    const colouredPrompt = `\u001b[31m${PROMPT}\u001b[0m\u0007`;
    const context = contextOf(await runHook(hookInput(colouredPrompt), ['--registry', REGISTRY, '--db', db], { DATABASE_URL: '' }));
    assert.match(context, /^1\. commit /m);
    const stats = await runCli(['stats', '--db', db, '--json']);
    assert.deepEqual(JSON.parse(stats.stdout).by_path, { local: 1 });
  });

  test('a 20,000-character prompt is routed on its first 10,000 characters', async () => {
    const context = contextOf(await runHook(hookInput(`${PROMPT} ${'and some pasted log output '.repeat(800)}`), ['--registry', REGISTRY]));
    assert.match(context, /^1\. /m);
  });

  for (const [what, stdin] of [
    ['garbage', 'this is not JSON {'],
    ['an empty stdin', ''],
    ['JSON without a prompt', JSON.stringify({ hook_event_name: 'UserPromptSubmit', cwd: ROOT })],
    ['a prompt of the wrong type', JSON.stringify({ hook_event_name: 'UserPromptSubmit', prompt: 42 })],
    ['a JSON array', JSON.stringify([{ prompt: 'review my pull request' }])],
    ['JSON null', 'null'],
    ['a cwd of the wrong type', JSON.stringify({ hook_event_name: 'UserPromptSubmit', prompt: 'review my pull request', cwd: 7 })],
  ] as const) {
    test(`${what} on stdin: exit 0, no output, the reason on stderr`, async () => {
      assertSilent(await runHook(stdin, ['--registry', REGISTRY]), /^switchboard hook: .*(JSON|prompt|cwd)/);
    });
  }

  test('no registry anywhere: exit 0, no output', async (t) => {
    const empty = await tempDir(t);
    assertSilent(await runHook(hookInput(PROMPT, empty)), /no registry: no .*\.claude\/agents/);
  });

  test('a bad flag or target still exits 0 (never 2, which would block the prompt)', async () => {
    assertSilent(await runHook(hookInput(PROMPT), ['--registry', REGISTRY, '--frobnicate']), /--frobnicate/);
    assertSilent(await runHook(hookInput(PROMPT), ['--registry', REGISTRY, '--timeout', '-5']), /--timeout/);
  });

  test('another hook event, a blank prompt, or no agent above the threshold: no context', async () => {
    const other = JSON.stringify({ hook_event_name: 'Stop', prompt: PROMPT });
    for (const stdin of [other, hookInput('   ')]) {
      const run = await runHook(stdin, ['--registry', REGISTRY]);
      assert.deepEqual({ status: run.status, stdout: run.stdout }, { status: 0, stdout: '' });
    }
    const run = await runHook(hookInput('what is the boiling point of water in kelvin'), ['--registry', REGISTRY]);
    assert.deepEqual({ status: run.status, stdout: run.stdout }, { status: 0, stdout: '' });
  });

  test('asks the routing service over HTTP when given one', async (t) => {
    const running = await startService({ logger: silent, registry: [REGISTRY], httpPort: 0, strategy: 'lexical' });
    t.after(() => running.stop());
    // A generous timeout: this is about the path taken, and the test machine may be busy.
    const run = await runHook(hookInput(PROMPT), ['--registry', REGISTRY], { SWITCHBOARD_URL: running.url, SWITCHBOARD_HOOK_TIMEOUT_MS: '10000' });
    const context = contextOf(run);
    assert.match(context, /\(lexical, routing service\)/);
    assert.match(context, /^1\. commit /m);
  });

  test('a service that does not answer in time: the local router answers within the timeout', async (t) => {
    const silentServer = createServer(() => undefined); // accepts, never answers
    silentServer.listen(0, '127.0.0.1');
    await once(silentServer, 'listening');
    t.after(() => silentServer.closeAllConnections() ?? silentServer.close());
    const { port } = silentServer.address() as { port: number };
    const run = await runHook(hookInput(PROMPT), ['--registry', REGISTRY, '--service', `http://127.0.0.1:${port}`, '--timeout', '150']);
    assert.match(contextOf(run), /\(lexical, local router\)/);
    assert.match(run.stderr, /no routing reply within 150 ms .*; routed locally/);
  });

  test('a service that is down: the local router answers at once', async () => {
    const run = await runHook(hookInput(PROMPT), ['--registry', REGISTRY, '--service', 'http://127.0.0.1:59999']);
    assert.match(contextOf(run), /\(lexical, local router\)/);
    assert.match(run.stderr, /ECONNREFUSED.*routed locally/);
  });
});
