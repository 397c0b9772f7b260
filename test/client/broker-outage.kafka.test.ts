/**
 * The broker stops mid-run: callers get local decisions within their timeout, the circuit
 * breaker opens after 5 failures and closes once the broker is back. Runs on a broker of
 * its own (stopping the run's broker would break the other test files), which also makes
 * the default topic names safe for a `switchboard request` over Kafka.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { CircuitBreaker, type CircuitState } from '../../src/client/circuit-breaker.ts';
import { connectOverKafka } from '../../src/client/kafka.ts';
import { RoutingFacade, type RoutedDecision } from '../../src/client/route.ts';
import { openRouter } from '../../src/open-router.ts';
import { startService } from '../../src/service/serve.ts';
import { cli } from '../cli/run-cli.ts';
import { COMMIT, REGISTRY, silent } from '../service/helpers.ts';
import { kafkaForTests, missingTools, startTestBroker } from '../support/kafka.ts';

const TIMEOUT_MS = 300;
/** Local decisions on the warm lexical router take well under a millisecond; this is for a busy machine. */
const LOCAL_MARGIN_MS = 400;

const skip = await whySkip();

test('broker outage: local decisions within the timeout, the breaker opens after 5 failures and closes when the broker is back', { skip, timeout: 150_000 }, async (t) => {
  const broker = await startTestBroker();
  t.after(() => broker.dispose());
  const running = await startService({ logger: silent, registry: [REGISTRY], brokers: broker.brokers, httpPort: 0, strategy: 'lexical' });
  t.after(() => running.stop());

  // The CLI's event path, end to end, while the broker is up.
  const run = await cli(['request', '--kafka', broker.brokers.join(','), '--registry', REGISTRY, '--json', COMMIT]);
  assert.equal(run.status, 0, run.stderr);
  assert.equal((JSON.parse(run.stdout) as { routing_path: string }).routing_path, 'event');

  const client = await connectOverKafka(broker.brokers, { timeoutMs: TIMEOUT_MS });
  t.after(() => client.close());
  await client.ready;
  const transitions: CircuitState[] = [];
  const breaker = new CircuitBreaker({ cooldownMs: 1_000, onStateChange: (state) => transitions.push(state) });
  const { router } = await openRouter([REGISTRY], { defaultStrategy: 'lexical' });
  const facade = new RoutingFacade({ remote: client, local: async () => router, breaker, env: {} });
  const timed = async (): Promise<RoutedDecision & { ms: number }> => {
    const started = performance.now();
    const routed = await facade.route(COMMIT);
    return { ...routed, ms: performance.now() - started };
  };
  for (let i = 0; i < 5; i++) assert.equal((await timed()).routing_path, 'event');

  await broker.stop();
  const during: (RoutedDecision & { ms: number })[] = [];
  for (let i = 0; i < 8; i++) during.push(await timed());
  t.diagnostic(`during the outage: ${during.map((routed) => `${routed.routing_path}/${routed.local_reason} ${routed.ms.toFixed(0)} ms`).join(', ')}`);
  assert.deepEqual(
    during.map((routed) => routed.routing_path),
    [...Array(5).fill('hybrid'), ...Array(3).fill('local')],
    'five failed tries, then straight to local',
  );
  assert.ok(during.every((routed) => routed.result.selected_agent === 'commit'));
  for (const routed of during) assert.ok(routed.ms <= TIMEOUT_MS + LOCAL_MARGIN_MS, `answered in ${routed.ms.toFixed(0)} ms`);
  assert.ok(during.slice(5).every((routed) => routed.local_reason === 'circuit_open' && routed.ms < LOCAL_MARGIN_MS));
  assert.deepEqual(transitions, ['open']);

  // Half-open trials every cooldown keep failing while it is down…
  await sleep(1_000);
  assert.equal((await timed()).routing_path, 'hybrid');
  assert.equal(breaker.state, 'open');

  // …and the first one after the broker is back closes it.
  const restarting = performance.now();
  await broker.start();
  let recovered: RoutedDecision | undefined;
  while (recovered === undefined && performance.now() - restarting < 60_000) {
    const routed = await timed();
    assert.ok(routed.ms <= TIMEOUT_MS + LOCAL_MARGIN_MS, `answered in ${routed.ms.toFixed(0)} ms`);
    if (routed.routing_path === 'event') recovered = routed;
    else await sleep(200);
  }
  t.diagnostic(`event path back ${(performance.now() - restarting).toFixed(0)} ms after the broker restart began; transitions ${transitions.join(' → ')}`);
  assert.ok(recovered !== undefined, 'the event path recovered within 60 s of the restart');
  assert.equal(breaker.state, 'closed');
  assert.equal(transitions.at(-1), 'closed');
  // A partition or two may still be settling (a reply stream renewing): a few more timeouts
  // are allowed, not enough to reopen the circuit, until the event path answers steadily.
  const settling: string[] = [];
  let streak = 0;
  while (streak < 10) {
    assert.ok(settling.length < 100, `no steady event path: ${settling.join(' ')}`);
    const routed = await timed();
    settling.push(routed.routing_path);
    streak = routed.routing_path === 'event' ? streak + 1 : 0;
  }
  t.diagnostic(`after the first event answer: ${settling.join(' ')}`);
  assert.equal(breaker.state, 'closed');
});

async function whySkip(): Promise<string | false> {
  const kafka = kafkaForTests();
  if ('skip' in kafka) return kafka.skip;
  const missing = await missingTools();
  if (missing.length === 0) return false;
  if (process.env.CI === 'true' || process.env.CI === '1') throw new Error(`CI=true: the outage test must run, but ${missing.join(' and ')} not found`);
  return `${missing.join(' and ')} not found (this test runs a broker of its own)`;
}
