/** `switchboard request` without a broker: the local path, the fallback when Kafka is unreachable, usage. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RoutingResult } from '../../src/contracts/routing.ts';
import { CONCURRENCY, OMNICLAUDE_INDEX, cli } from '../cli/run-cli.ts';

const COMMIT = 'write a semantic commit message for the staged changes';
/** The run's broker must not be used here: another test's service may be on the default topics. */
const LOCAL = { KAFKA_BROKERS: '' };

interface RequestJson {
  routing_path: string;
  correlation_id: string;
  local_reason?: string;
  elapsed_ms: number;
  result: RoutingResult;
}

async function requestJson(args: string[]): Promise<RequestJson> {
  const run = await cli(['request', '--registry', OMNICLAUDE_INDEX, '--json', ...args], { env: LOCAL });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as RequestJson;
}

describe('switchboard request', { concurrency: CONCURRENCY, timeout: 60_000 }, () => {
  test('without Kafka, prints the local decision as route does, then the routing path', async () => {
    const run = await cli(['request', '--registry', OMNICLAUDE_INDEX, COMMIT], { env: LOCAL });
    assert.equal(run.status, 0, run.stderr);
    const route = await cli(['route', '--registry', OMNICLAUDE_INDEX, COMMIT]);
    const withoutTime = (text: string) => text.replace(/\d+\.\d{3} ms$/m, 'X ms');
    const [decision, pathLine] = [run.stdout.slice(0, run.stdout.lastIndexOf('routing_path')), run.stdout.slice(run.stdout.lastIndexOf('routing_path'))];
    assert.equal(withoutTime(decision), withoutTime(route.stdout));
    assert.match(pathLine, /^routing_path local \(no_service\) · correlation_id [0-9a-f-]{36} · \d+\.\d ms\n$/);
  });

  test('--json prints the path, the correlation id and the completed payload', async () => {
    const output = await requestJson([COMMIT]);
    assert.deepEqual(Object.keys(output), ['routing_path', 'correlation_id', 'local_reason', 'elapsed_ms', 'result']);
    assert.equal(output.routing_path, 'local');
    assert.match(output.correlation_id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(output.result.selected_agent, 'commit');
  });

  test('an unreachable broker: the local router answers after the timeout (hybrid)', async () => {
    const run = await cli(['request', '--registry', OMNICLAUDE_INDEX, '--json', '--kafka', '127.0.0.1:59999', '--timeout', '300', COMMIT]);
    assert.equal(run.status, 0, run.stderr);
    const output = JSON.parse(run.stdout) as RequestJson;
    assert.deepEqual([output.routing_path, output.local_reason, output.result.selected_agent], ['hybrid', 'timeout', 'commit']);
    assert.match(run.stderr, /no routing reply within 300 ms .*routed locally/);
  });

  test('usage errors exit 2: no request, a bad timeout; --help documents the options', async () => {
    assert.equal((await cli(['request', '--registry', OMNICLAUDE_INDEX])).status, 2);
    const bad = await cli(['request', '--registry', OMNICLAUDE_INDEX, '--timeout', '0', COMMIT]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--timeout expects 1\.\.600000 ms/);
    const help = await cli(['request', '--help']);
    for (const option of ['--kafka', '--registry', '--timeout', '--json', 'routing_path']) assert.ok(help.stdout.includes(option), option);
    const hookHelp = await cli(['hook', '--help']);
    for (const option of ['--registry', '--service', '--timeout', 'always exits 0']) assert.ok(hookHelp.stdout.includes(option), option);
  });
});
