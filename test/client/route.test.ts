/**
 * The route() facade: which path answers (event, local, hybrid), the kill switch, rollout,
 * the circuit breaker and fallback, with the real routing service on the in-process bus.
 */
import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { CircuitBreaker } from '../../src/client/circuit-breaker.ts';
import { RoutingFailedError, RoutingTimeoutError } from '../../src/client/errors.ts';
import { RoutingEventClient } from '../../src/client/event-client.ts';
import { RoutingFacade, type FacadeOptions, type LocalRouter } from '../../src/client/route.ts';
import type { RoutingResult } from '../../src/contracts/routing.ts';
import { openRouter } from '../../src/open-router.ts';
import { SwitchboardError } from '../../src/errors.ts';
import { RequestConsumer } from '../../src/service/request-consumer.ts';
import { COMMIT, REGISTRY, openService, silent } from '../service/helpers.ts';
import { TOPICS, completed, failed, fakeResponder, inProcessBus } from './helpers.ts';

/** The decision without what differs between two runs of it. */
function decision(result: RoutingResult) {
  return { ...result, routing_metadata: { ...result.routing_metadata, routing_time_ms: 0, cache_hit: false } };
}

const localRouter = async (): Promise<LocalRouter> => (await openRouter([REGISTRY], { defaultStrategy: 'lexical' })).router;

/** A facade whose event path reaches the real service over an in-process bus. */
async function withService(t: TestContext, options: Partial<FacadeOptions> = {}) {
  const bus = await inProcessBus(t);
  const service = await openService();
  const consumer = await RequestConsumer.start(bus, service, { kind: 'in-process', groupId: 'switchboard-router', topics: TOPICS, logger: silent });
  t.after(() => consumer.stop());
  const client = new RoutingEventClient(bus);
  t.after(() => client.close());
  let localOpened = 0;
  const facade = new RoutingFacade({
    remote: client,
    local: () => {
      localOpened++;
      return localRouter();
    },
    env: {},
    ...options,
  });
  return { facade, client, bus, localOpened: () => localOpened };
}

/** A facade whose event path reaches a fake service that answers as told. */
async function withFake(t: TestContext, answer: Parameters<typeof fakeResponder>[1], options: Partial<FacadeOptions> = {}) {
  const bus = await inProcessBus(t);
  const seen = await fakeResponder(bus, answer);
  const client = new RoutingEventClient(bus, { timeoutMs: 100 });
  t.after(() => client.close());
  const facade = new RoutingFacade({ remote: client, local: localRouter, env: {}, ...options });
  return { facade, client, seen };
}

describe('route() facade', { timeout: 30_000 }, () => {
  test('the event path returns the same decision as the in-process router, with routing_path event', async (t) => {
    const { facade, localOpened } = await withService(t);
    const routed = await facade.route(COMMIT, { context: { domain: 'version_control' }, maxRecommendations: 2 });
    assert.equal(routed.routing_path, 'event');
    assert.match(routed.correlation_id, /^[0-9a-f-]{36}$/);
    assert.equal(routed.local_reason, undefined);
    const local = await (await localRouter()).route({ user_request: COMMIT, context: { domain: 'version_control' }, options: { max_recommendations: 2 } });
    assert.deepEqual(decision(routed.result), decision(local));
    assert.equal(localOpened(), 0, 'the local router is not even opened');
  });

  test('useEvents: false, a 0 share, or no event client route locally (routing_path local)', async (t) => {
    const { facade, client } = await withService(t);
    assert.deepEqual(pick(await facade.route(COMMIT, { useEvents: false })), { path: 'local', reason: 'disabled' });
    assert.deepEqual(pick(await facade.route(COMMIT, { eventShare: 0 })), { path: 'local', reason: 'rollout' });
    const localOnly = new RoutingFacade({ local: localRouter, env: {} });
    assert.deepEqual(pick(await localOnly.route(COMMIT)), { path: 'local', reason: 'no_service' });
    assert.equal(client.stats().sent, 0);
  });

  test('the kill switch SWITCHBOARD_USE_EVENTS=false sends everything local, read at every call', async (t) => {
    const env: NodeJS.ProcessEnv = {};
    const { facade, client } = await withService(t, { env });
    assert.equal((await facade.route(COMMIT)).routing_path, 'event');
    env.SWITCHBOARD_USE_EVENTS = 'false';
    assert.deepEqual(pick(await facade.route(COMMIT, { useEvents: true })), { path: 'local', reason: 'kill_switch' });
    assert.equal(client.stats().sent, 1);
  });

  test('the share is sticky per correlation id', async (t) => {
    const { facade } = await withService(t);
    const ids = Array.from({ length: 40 }, () => crypto.randomUUID());
    const first = await Promise.all(ids.map((id) => facade.route(COMMIT, { correlationId: id, eventShare: 0.5 })));
    const again = await Promise.all(ids.map((id) => facade.route(COMMIT, { correlationId: id, eventShare: 0.5 })));
    assert.deepEqual(
      again.map((routed) => routed.routing_path),
      first.map((routed) => routed.routing_path),
    );
    assert.ok(first.some((routed) => routed.routing_path === 'event') && first.some((routed) => routed.routing_path === 'local'));
    assert.deepEqual(
      first.map((routed) => routed.correlation_id),
      ids,
    );
  });

  test('a timeout falls back to the local router: routing_path hybrid, with the event error', async (t) => {
    const { facade } = await withFake(t, () => []);
    const routed = await facade.route(COMMIT);
    assert.equal(routed.routing_path, 'hybrid');
    assert.equal(routed.local_reason, 'timeout');
    assert.ok(routed.service_error instanceof RoutingTimeoutError);
    assert.equal(routed.result.selected_agent, 'commit');
  });

  test('a failed event falls back too (reason failed); with fallbackOnError false its error is thrown', async (t) => {
    const { facade } = await withFake(t, (request) => [failed(request, 'INTERNAL_ERROR')]);
    assert.deepEqual(pick(await facade.route(COMMIT)), { path: 'hybrid', reason: 'failed' });
    await assert.rejects(facade.route(COMMIT, { fallbackOnError: false }), (error: unknown) => error instanceof RoutingFailedError && error.errorCode === 'INTERNAL_ERROR');
  });

  test('after 5 consecutive failures the breaker opens: calls go local at once without sending', async (t) => {
    let now = 0;
    const breaker = new CircuitBreaker({ now: () => now });
    const { facade, seen } = await withFake(t, () => [], { breaker });
    for (let i = 0; i < 5; i++) assert.deepEqual(pick(await facade.route(COMMIT)), { path: 'hybrid', reason: 'timeout' });
    assert.equal(breaker.state, 'open');
    const started = performance.now();
    assert.deepEqual(pick(await facade.route(COMMIT)), { path: 'local', reason: 'circuit_open' });
    assert.ok(performance.now() - started < 50, 'no timeout waited');
    assert.equal(seen.length, 5);
    now += 60_000;
    assert.deepEqual(pick(await facade.route(COMMIT)), { path: 'hybrid', reason: 'timeout' }, 'the half-open trial');
    assert.equal(breaker.state, 'open');
  });

  test('a trial answered over events closes the breaker', async (t) => {
    let now = 0;
    let answering = false;
    const breaker = new CircuitBreaker({ now: () => now, failureThreshold: 2 });
    const { facade } = await withFake(t, (request) => (answering ? [completed(request)] : []), { breaker });
    await facade.route(COMMIT);
    await facade.route(COMMIT);
    assert.equal(breaker.state, 'open');
    answering = true;
    now += 60_000;
    assert.equal((await facade.route(COMMIT)).routing_path, 'event');
    assert.equal(breaker.state, 'closed');
  });

  test('an INVALID_REQUEST failed event does not count against the service', async (t) => {
    const breaker = new CircuitBreaker({ failureThreshold: 1 });
    const { facade } = await withFake(t, (request) => [failed(request, 'INVALID_REQUEST')], { breaker });
    const routed = await facade.route(COMMIT);
    assert.deepEqual(pick(routed), { path: 'hybrid', reason: 'failed' });
    assert.equal(breaker.state, 'closed');
  });

  test('a request that breaks the wire schema is refused before either path', async (t) => {
    const { facade, client } = await withService(t);
    await assert.rejects(facade.route('x'.repeat(10_001)), (error: unknown) => error instanceof SwitchboardError && error.code === 'INVALID_REQUEST');
    await assert.rejects(facade.route(COMMIT, { maxRecommendations: 0, useEvents: false }), (error: unknown) => error instanceof SwitchboardError && error.code === 'INVALID_REQUEST');
    assert.equal(client.stats().sent, 0);
  });
});

function pick(routed: { routing_path: string; local_reason?: string }) {
  return { path: routed.routing_path, reason: routed.local_reason };
}
