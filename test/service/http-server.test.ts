/**
 * The HTTP face of the routing service, through fastify's `inject` (no socket): health,
 * metrics, and POST /route with good and bad input.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type { RoutingResult } from '../../src/contracts/routing.ts';
import { openRouter } from '../../src/open-router.ts';
import { buildHttpServer } from '../../src/service/http-server.ts';
import type { RoutingService } from '../../src/service/routing-service.ts';
import { COMMIT, REGISTRY, openService, sample, silent } from './helpers.ts';

let service: RoutingService;
let app: FastifyInstance;

before(async () => {
  service = await openService();
  app = buildHttpServer(service, { logger: silent, busStatus: () => null });
});
after(() => app.close());

function route(payload: unknown, headers: Record<string, string> = {}) {
  return app.inject({ method: 'POST', url: '/route', payload: payload as string, headers });
}

async function metrics(): Promise<string> {
  const response = await app.inject({ method: 'GET', url: '/metrics' });
  assert.equal(response.statusCode, 200);
  assert.match(response.headers['content-type'] as string, /^text\/plain; version=0\.0\.4/);
  return response.body;
}

/** A decision without what varies between two runs of it. */
function stable(result: RoutingResult) {
  const { routing_time_ms: _time, cache_hit: _hit, ...metadata } = result.routing_metadata;
  return { ...result, routing_metadata: metadata };
}

describe('GET /health', () => {
  test('reports the loaded router, registry, strategy, transports and cache', async () => {
    const response = await app.inject({ method: 'GET', url: '/health' });
    assert.equal(response.statusCode, 200);
    const health = response.json();
    assert.deepEqual(Object.keys(health).sort(), [
      'agents',
      'bus',
      'cache_hit_rate',
      'db',
      'kafka',
      'registry_version',
      'reload',
      'router_loaded',
      'status',
      'strategy',
      'uptime_seconds',
    ]);
    assert.equal(health.status, 'ok');
    assert.equal(health.router_loaded, true);
    assert.equal(health.registry_version, service.registryVersion);
    assert.equal(health.agents, service.registry.agents.length);
    assert.deepEqual(health.strategy, { default: 'lexical', embedding_model: null });
    assert.equal(health.bus, null);
    assert.equal(health.kafka, 'not configured');
    assert.equal(health.db, 'not configured');
    assert.equal(health.reload, 'not configured');
    assert.ok(health.cache_hit_rate >= 0 && health.cache_hit_rate <= 1);
    assert.ok(health.uptime_seconds >= 0);
  });

  test('says 503 draining once shutdown began', async () => {
    const draining = await openService();
    const server = buildHttpServer(draining, { logger: silent, busStatus: () => null });
    draining.beginDrain();
    const response = await server.inject({ method: 'GET', url: '/health' });
    assert.equal(response.statusCode, 503);
    assert.equal(response.json().status, 'draining');
    await server.close();
  });
});

describe('POST /route', () => {
  test('answers the same decision as the router in-process', async () => {
    const request = { user_request: COMMIT, context: { domain: 'version_control' }, options: { max_recommendations: 3 } };
    const response = await route(request);
    assert.equal(response.statusCode, 200);
    assert.match(response.headers['content-type'] as string, /^application\/json/);
    const { router } = await openRouter([REGISTRY], { defaultStrategy: 'lexical', cache: false });
    const expected = await router.route(request);
    assert.notEqual(expected.selected_agent, null);
    assert.deepEqual(stable(response.json()), stable(expected));
  });

  test('answers an explicit no-match with 200 and its reason', async () => {
    const response = await route({ user_request: 'qwzx vbnm plok', options: { min_confidence: 1 } });
    assert.equal(response.statusCode, 200);
    const result = response.json();
    assert.equal(result.selected_agent, null);
    assert.equal(result.routing_policy, 'no_match');
    assert.ok(['no_candidate_above_threshold', 'empty_candidates'].includes(result.reason));
  });

  const BAD: [string, () => ReturnType<typeof route>, number, RegExp][] = [
    ['an empty request', () => route({ user_request: '' }), 400, /empty/],
    ['a whitespace-only request', () => route({ user_request: ' \n\t ' }), 400, /empty/],
    ['a 10,001-character request', () => route({ user_request: 'a'.repeat(10_001) }), 400, /10001 characters; the limit is 10000/],
    ['binary control characters', () => route({ user_request: 'deploy \u0000\u0001\u0002 now' }), 400, /binary/],
    ['a user_request of the wrong type', () => route({ user_request: 42 }), 400, /user_request must be a string/],
    ['max_recommendations out of range', () => route({ user_request: COMMIT, options: { max_recommendations: 11 } }), 400, /max_recommendations/],
    ['an unknown strategy', () => route({ user_request: COMMIT, options: { routing_strategy: 'telepathy' } }), 400, /unknown routing_strategy 'telepathy'/],
    ['a JSON array', () => route([COMMIT]), 400, /user_request must be a string/],
    ['no body', () => app.inject({ method: 'POST', url: '/route' }), 400, /request must be an object/],
    ['malformed JSON', () => route('{"user_request": "commit', { 'content-type': 'application/json' }), 400, /not valid JSON/],
    ['an empty JSON body', () => route('', { 'content-type': 'application/json' }), 400, /cannot be empty/],
    ['binary bytes as JSON', () => route(Buffer.from([0xff, 0xfe, 0x00, 0x81, 0x7b]) as unknown as string, { 'content-type': 'application/json' }), 400, /not valid JSON/],
    ['a text/plain body', () => route(COMMIT, { 'content-type': 'text/plain' }), 415, /content-type must be application\/json, got 'text\/plain'/],
    ['a body over the size limit', () => route(JSON.stringify({ user_request: 'x'.repeat(200_000) }), { 'content-type': 'application/json' }), 413, /limit/],
  ];
  for (const [what, send, status, message] of BAD) {
    test(`refuses ${what} with ${status} INVALID_REQUEST, then keeps serving`, async () => {
      const response = await send();
      assert.equal(response.statusCode, status, response.body);
      assert.deepEqual(Object.keys(response.json()).sort(), ['error_code', 'error_message']);
      assert.equal(response.json().error_code, 'INVALID_REQUEST');
      assert.match(response.json().error_message, message);
      assert.match(String(response.headers['x-correlation-id']), /^[0-9a-f-]{36}$/, 'every answer names its id');
      const next = await route({ user_request: COMMIT });
      assert.equal(next.statusCode, 200);
    });
  }

  test('an unknown endpoint is a 404 in the same error shape', async () => {
    const response = await app.inject({ method: 'GET', url: '/nowhere' });
    assert.equal(response.statusCode, 404);
    assert.equal(response.json().error_code, 'INVALID_REQUEST');
  });
});

describe('GET /metrics', () => {
  test('exposes the named series', async () => {
    const text = await metrics();
    for (const series of [
      'switchboard_routing_requests_total',
      'switchboard_routing_duration_seconds',
      'switchboard_cache_hits_total',
      'switchboard_cache_misses_total',
      'switchboard_requests_in_flight',
      'switchboard_registry_agents',
      'switchboard_registry_info',
      'switchboard_bus_dropped_total',
      'switchboard_bus_redeliveries_total',
      'process_cpu_seconds_total',
    ]) {
      assert.match(text, new RegExp(`^# TYPE ${series} `, 'm'), series);
    }
    assert.equal(sample(text, 'switchboard_registry_agents'), service.registry.agents.length);
    assert.equal(sample(text, 'switchboard_registry_info', { registry_version: service.registryVersion }), 1);
    assert.equal(sample(text, 'switchboard_requests_in_flight'), 0);
    // Latency buckets from 50 µs to 1 s.
    assert.match(text, /^switchboard_routing_duration_seconds_bucket\{le="0\.00005",strategy="lexical"\}/m);
    assert.match(text, /^switchboard_routing_duration_seconds_bucket\{le="1",strategy="lexical"\}/m);
  });

  test('counts move with requests: outcomes, strategies, latency and cache', async () => {
    const completed = { outcome: 'completed', strategy: 'lexical', transport: 'http' };
    const invalid = { outcome: 'invalid', strategy: 'lexical', transport: 'http' };
    const unknown = { outcome: 'invalid', strategy: 'unknown', transport: 'http' };
    const noMatch = { outcome: 'no_match', strategy: 'lexical', transport: 'http' };
    const before = await metrics();
    const unique = `${COMMIT} ${Date.now()}`;
    assert.equal((await route({ user_request: unique })).statusCode, 200);
    assert.equal((await route({ user_request: unique })).statusCode, 200); // a cache hit
    assert.equal((await route({ user_request: `qwzx vbnm plok ${Date.now()}`, options: { min_confidence: 1 } })).statusCode, 200);
    assert.equal((await route({ user_request: '' })).statusCode, 400);
    assert.equal((await route('{', { 'content-type': 'application/json' })).statusCode, 400);
    assert.equal((await route({ user_request: COMMIT, options: { routing_strategy: 'telepathy' } })).statusCode, 400);
    const now = await metrics();
    const delta = (name: string, labels?: Record<string, string>) => sample(now, name, labels) - sample(before, name, labels);
    assert.equal(delta('switchboard_routing_requests_total', completed), 2);
    assert.equal(delta('switchboard_routing_requests_total', noMatch), 1);
    assert.equal(delta('switchboard_routing_requests_total', invalid), 2);
    assert.equal(delta('switchboard_routing_requests_total', unknown), 1);
    assert.equal(delta('switchboard_routing_duration_seconds_count', { strategy: 'lexical' }), 3);
    assert.ok(delta('switchboard_routing_duration_seconds_sum', { strategy: 'lexical' }) > 0);
    assert.equal(delta('switchboard_cache_hits_total'), 1);
    assert.ok(delta('switchboard_cache_misses_total') >= 2);
    const health = (await app.inject({ method: 'GET', url: '/health' })).json();
    assert.ok(health.cache_hit_rate > 0, 'the hit shows in /health too');
  });
});
