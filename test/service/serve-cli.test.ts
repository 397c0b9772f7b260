/**
 * `switchboard serve` as an operator runs it: the ready line, the embedded-default notice,
 * a SIGTERM that lets a request in flight finish before the process exits 0, and
 * `switchboard reload` against it.
 */
import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { HealthReport } from '../../src/service/health.ts';
import { BIN, cli } from '../cli/run-cli.ts';
import { COMMIT, REGISTRY, ROOT } from './helpers.ts';

interface LogLine {
  level: number;
  msg: string;
  url?: string;
}

interface Served {
  readonly child: ChildProcess;
  readonly url: URL;
  readonly logs: LogLine[];
  /** Resolves with the first log line whose message matches. */
  logged(message: RegExp): Promise<LogLine>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `bin/switchboard serve` on a free port and waits for its ready line. */
async function serve(t: TestContext, args: string[], env: Record<string, string> = {}): Promise<Served> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, SWITCHBOARD_CACHE_DIR: path.join(os.tmpdir(), 'switchboard-test-cache'), ...env };
  delete childEnv.SWITCHBOARD_REGISTRY;
  delete childEnv.KAFKA_BROKERS;
  const child = spawn(BIN, ['serve', '--registry', REGISTRY, '--http-port', '0', ...args], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const logs: LogLine[] = [];
  const listeners = new Set<() => void>();
  let buffered = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) logs.push(line.startsWith('{') ? (JSON.parse(line) as LogLine) : { level: 50, msg: line });
    for (const listener of listeners) listener();
  });
  const logged = (message: RegExp) =>
    new Promise<LogLine>((resolve, reject) => {
      const check = () => {
        const found = logs.find((line) => message.test(line.msg));
        if (found !== undefined) {
          listeners.delete(check);
          resolve(found);
        }
      };
      listeners.add(check);
      check();
      void exited.then(() => reject(new Error(`exited before logging ${message}:\n${logs.map((line) => line.msg).join('\n')}`)));
    });
  const ready = await logged(/^switchboard serving on /);
  return { child, url: new URL(ready.url!), logs, logged, exited };
}

describe('switchboard serve', { timeout: 60_000 }, () => {
  test('finishes a request in flight on SIGTERM, refuses new connections, then exits 0', async (t) => {
    const served = await serve(t, ['--strategy', 'lexical']);
    // A request whose body is still arriving when the signal comes: in flight for sure.
    const body = JSON.stringify({ user_request: COMMIT });
    const socket = net.connect(Number(served.url.port), served.url.hostname);
    await once(socket, 'connect');
    const closed = once(socket, 'close');
    let response = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (response += chunk));
    const half = Math.floor(body.length / 2);
    socket.write(`POST /route HTTP/1.1\r\nHost: ${served.url.host}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, half)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    served.child.kill('SIGTERM');
    await served.logged(/^signal received: draining/);
    await assert.rejects(
      fetch(new URL('/health', served.url)),
      (error: Error) => /ECONNREFUSED/.test(String((error.cause as Error | undefined)?.message ?? error)),
      'no new connections once draining',
    );
    socket.write(body.slice(half));
    const { code, signal } = await served.exited;
    await closed;
    assert.match(response, /^HTTP\/1\.1 200 OK\r\n/);
    const payload = JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4));
    assert.equal(payload.selected_agent, 'commit');
    assert.deepEqual({ code, signal }, { code: 0, signal: null });
    assert.ok(served.logs.some((line) => line.msg === 'stopped'));
  });

  test('says once that it runs on the in-process bus, and why it runs lexical without the model', async (t) => {
    const emptyCache = await mkdtemp(path.join(os.tmpdir(), 'switchboard-no-model-'));
    t.after(() => rm(emptyCache, { recursive: true, force: true }));
    const served = await serve(t, [], { SWITCHBOARD_MODEL_CACHE: emptyCache });
    const embedded = served.logs.filter((line) => /in-process bus, the embedded default/.test(line.msg));
    assert.equal(embedded.length, 1);
    const health = (await (await fetch(new URL('/health', served.url))).json()) as HealthReport & { strategy: { note: string } };
    assert.equal(health.strategy.default, 'lexical');
    assert.equal(health.strategy.embedding_model, null);
    assert.match(health.strategy.note, /not fetched .*lexical/);
    assert.deepEqual(health.bus, { kind: 'in-process', state: 'consuming', group_id: 'switchboard-router', topic: 'agent.routing.requested.v1' });
    served.child.kill('SIGINT');
    assert.deepEqual(await served.exited, { code: 0, signal: null });
  });

  test('--help lists its options; a bad port is a usage error (exit 2)', async () => {
    const help = await cli(['serve', '--help']);
    assert.equal(help.status, 0);
    for (const option of ['--registry', '--kafka', '--http-port', '--http-host', '--group', '--topic-prefix', '--strategy', '--admin-token']) {
      assert.ok(help.stdout.includes(option), option);
    }
    const bad = await cli(['serve', '--registry', REGISTRY, '--http-port', '70000']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--http-port expects 0\.\.65535/);
  });

  test('an unusable registry stops it at startup with exit 1', async (t) => {
    const empty = await mkdtemp(path.join(os.tmpdir(), 'switchboard-empty-'));
    t.after(() => rm(empty, { recursive: true, force: true }));
    const run = await cli(['serve', '--registry', empty, '--http-port', '0', '--strategy', 'lexical']);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /no agents loaded/);
  });

  test('switchboard reload: asks the service with its admin token, prints the version, and exit 1 with file:line when a file is broken', async (t) => {
    const extra = await mkdtemp(path.join(os.tmpdir(), 'switchboard-reload-cli-'));
    t.after(() => rm(extra, { recursive: true, force: true }));
    const file = path.join(extra, 'extra.yaml');
    await writeFile(file, 'agents:\n  - name: stargazer\n    triggers: [telescope]\n');
    const served = await serve(t, ['--strategy', 'lexical', '--registry', extra, '--admin-token', 'sesame']);
    const service = served.url.origin;

    const withFlag = await cli(['reload', '--service', service, '--token', 'sesame']);
    assert.equal(withFlag.status, 0, withFlag.stderr);
    assert.match(withFlag.stdout, /^unchanged: registry [0-9a-f]{16}, \d+ agents\n$/);
    const withEnv = await cli(['reload', '--service', service], { env: { SWITCHBOARD_ADMIN_TOKEN: 'sesame' } });
    assert.equal(withEnv.status, 0, withEnv.stderr);

    const wrong = await cli(['reload', '--service', service, '--token', 'open']);
    assert.equal(wrong.status, 1);
    assert.match(wrong.stderr, /^switchboard: POST \/reload needs the admin token/);

    await writeFile(file, 'agents:\n  - triggers: [telescope]\n');
    const broken = await cli(['reload', '--service', service, '--token', 'sesame']);
    assert.equal(broken.status, 1);
    assert.match(broken.stderr, /^switchboard: registry change rejected \(1 error\): still serving [0-9a-f]{16}\n/);
    assert.ok(broken.stderr.includes(`  ${file}:2: agents[0].name: is required\n`), broken.stderr);

    const unreachable = await cli(['reload', '--service', 'http://127.0.0.1:1', '--token', 'sesame']);
    assert.equal(unreachable.status, 1);
    assert.match(unreachable.stderr, /cannot reach http:\/\/127\.0\.0\.1:1\/reload/);
    const usage = await cli(['reload', '--service', 'not a url']);
    assert.equal(usage.status, 2);
    const help = await cli(['reload', '--help']);
    assert.equal(help.status, 0);
    for (const option of ['--service', '--token', 'SWITCHBOARD_ADMIN_TOKEN']) assert.ok(help.stdout.includes(option), option);
  });
});
