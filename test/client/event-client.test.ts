/**
 * RoutingEventClient on the in-process bus against a fake responder: correlation, typed
 * errors, timeouts, redelivered replies, readiness and closing.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { RoutingEventClient } from '../../src/client/event-client.ts';
import { RoutingFailedError, RoutingTimeoutError, RoutingTransportError } from '../../src/client/errors.ts';
import { SwitchboardError } from '../../src/errors.ts';
import type { Bus, OutgoingRecord, Subscription } from '../../src/transport/bus.ts';
import { TOPICS, completed, failed, fakeResponder, inProcessBus, resultFor } from './helpers.ts';

describe('RoutingEventClient', { timeout: 20_000 }, () => {
  test('publishes a request keyed by its correlation id, with the options and a deadline, and resolves with its reply', async (t) => {
    const bus = await inProcessBus(t);
    const seen = await fakeResponder(bus);
    await using client = new RoutingEventClient(bus, { service: 'test-agent' });
    const correlationId = randomUUID();
    const before = Date.now();
    const result = await client.requestRouting('debug the login page', {
      context: { domain: 'web' },
      maxRecommendations: 3,
      minConfidence: 0.2,
      strategy: 'lexical',
      timeoutMs: 1_500,
      correlationId,
    });
    assert.deepEqual(result, resultFor('debug the login page'));
    const [request] = seen;
    assert.equal(request.correlation_id, correlationId);
    assert.equal(request.service, 'test-agent');
    assert.deepEqual(request.payload, {
      user_request: 'debug the login page',
      context: { domain: 'web' },
      options: { max_recommendations: 3, min_confidence: 0.2, routing_strategy: 'lexical' },
    });
    const deadline = Date.parse(request.deadline!);
    assert.ok(deadline >= before + 1_500 && deadline <= Date.now() + 1_500, 'deadline = now + timeout');
    const { sent, completed: answered, inFlight } = client.stats();
    assert.deepEqual({ sent, answered, inFlight }, { sent: 1, answered: 1, inFlight: 0 });
  });

  test('matches concurrent replies by correlation id, whatever order they come in', async (t) => {
    const bus = await inProcessBus(t);
    const held: OutgoingRecord[] = [];
    // Holds every reply, then sends them all back in reverse order.
    await fakeResponder(bus, (request) => {
      held.push(completed(request));
      if (held.length === 20) void bus.produce(held.reverse());
      return [];
    });
    await using client = new RoutingEventClient(bus);
    const texts = Array.from({ length: 20 }, (_, i) => `request number ${i}`);
    const results = await Promise.all(texts.map((text) => client.requestRouting(text)));
    assert.deepEqual(
      results.map((result) => result.routing_metadata.routing_strategy),
      texts,
    );
  });

  test('a failed event rejects with RoutingFailedError carrying its error_code; retry advice follows the code', async (t) => {
    const bus = await inProcessBus(t);
    await fakeResponder(bus, (request) => [failed(request, request.payload.user_request === 'bad' ? 'INVALID_REQUEST' : 'INTERNAL_ERROR')]);
    await using client = new RoutingEventClient(bus);
    await assert.rejects(client.requestRouting('bad'), (error: unknown) => {
      assert.ok(error instanceof RoutingFailedError);
      assert.equal(error.errorCode, 'INVALID_REQUEST');
      assert.equal(error.code, 'INVALID_REQUEST');
      assert.equal(error.canRetry, false);
      assert.equal(error.message, 'fake INVALID_REQUEST');
      return true;
    });
    await assert.rejects(client.requestRouting('breaks the service'), (error: unknown) => {
      assert.ok(error instanceof RoutingFailedError);
      assert.equal(error.errorCode, 'INTERNAL_ERROR');
      assert.equal(error.canRetry, true);
      return true;
    });
    assert.equal(client.stats().failed, 2);
  });

  test('times out with RoutingTimeoutError when nobody answers; a late reply is ignored and counted', async (t) => {
    const bus = await inProcessBus(t);
    const seen = await fakeResponder(bus, () => []);
    await using client = new RoutingEventClient(bus);
    const started = performance.now();
    await assert.rejects(client.requestRouting('anyone there?', { timeoutMs: 100 }), (error: unknown) => {
      assert.ok(error instanceof RoutingTimeoutError);
      assert.equal(error.code, 'ROUTING_TIMEOUT');
      assert.equal(error.timeoutMs, 100);
      assert.equal(error.canRetry, true);
      return true;
    });
    const elapsed = performance.now() - started;
    assert.ok(elapsed >= 95 && elapsed < 1_000, `timed out after ${elapsed} ms`);
    await bus.produce([completed(seen[0])]);
    await until(() => client.stats().lateReplies === 1);
    assert.equal(client.stats().timedOut, 1);
    assert.equal(client.stats().inFlight, 0);
  });

  test('answers a redelivered reply once and counts the duplicates; replies to other clients are ignored and counted', async (t) => {
    const bus = await inProcessBus(t);
    await fakeResponder(bus, (request) => [completed(request), completed(request), completed(request)]);
    await using client = new RoutingEventClient(bus);
    await using other = new RoutingEventClient(bus);
    const result = await client.requestRouting('once please');
    assert.equal(result.routing_metadata.routing_strategy, 'once please');
    await until(() => client.stats().duplicateReplies === 2 && other.stats().unknownReplies === 3);
    assert.equal(client.stats().completed, 1);
    assert.equal(client.stats().unknownReplies, 0);
  });

  test('an unreadable reply with the request key rejects with a transport error', async (t) => {
    const bus = await inProcessBus(t);
    await fakeResponder(bus, (request) => [{ topic: TOPICS.completed, key: request.correlation_id, value: '{"event_type": "AGENT_ROUTING_COMPLETED"' }]);
    await using client = new RoutingEventClient(bus);
    await assert.rejects(client.requestRouting('garbled'), (error: unknown) => error instanceof RoutingTransportError && /unreadable routing reply: not JSON/.test(error.message));
  });

  test('an invalid request is refused before anything is sent', async (t) => {
    const bus = await inProcessBus(t);
    const seen = await fakeResponder(bus);
    await using client = new RoutingEventClient(bus);
    for (const [text, options] of [
      ['', {}],
      ['x'.repeat(10_001), {}],
      ['fine', { maxRecommendations: 11 }],
      ['fine', { minConfidence: 2 }],
      ['fine', { correlationId: 'not-a-uuid' }],
    ] as const) {
      await assert.rejects(client.requestRouting(text, options), (error: unknown) => error instanceof SwitchboardError && error.code === 'INVALID_REQUEST');
    }
    await client.requestRouting('a good one');
    assert.equal(seen.length, 1);
    assert.equal(client.stats().sent, 1);
  });

  test('sends nothing before its reply consumer is assigned', async (t) => {
    const inner = await inProcessBus(t);
    await fakeResponder(inner);
    const assigned = Promise.withResolvers<void>();
    let producedBeforeReady = false;
    let ready = false;
    void assigned.promise.then(() => (ready = true));
    // The in-process bus assigns at once; this one makes the reply consumer wait.
    const slow = wrap(inner, {
      produce: (records) => {
        if (!ready) producedBeforeReady = true;
        return inner.produce(records);
      },
      subscribe: async (options, handler): Promise<Subscription> => {
        const subscription = await inner.subscribe(options, handler);
        return { ready: subscription.ready.then(() => assigned.promise), close: () => subscription.close(), lag: () => subscription.lag() };
      },
    });
    await using client = new RoutingEventClient(slow);
    const reply = client.requestRouting('wait for me', { timeoutMs: 5_000 });
    await sleep(50);
    assert.equal(client.stats().sent, 1);
    assigned.resolve();
    await reply;
    assert.equal(producedBeforeReady, false);
  });

  test('a reply consumer that is never assigned makes requests time out', async (t) => {
    const inner = await inProcessBus(t);
    const never = wrap(inner, {
      subscribe: async () => ({ ready: new Promise<void>(() => undefined), close: async () => undefined, lag: async () => [] }),
    });
    await using client = new RoutingEventClient(never);
    await assert.rejects(client.requestRouting('hello?', { timeoutMs: 50 }), RoutingTimeoutError);
  });

  test('a produce that fails rejects with RoutingTransportError', async (t) => {
    const inner = await inProcessBus(t);
    const broken = wrap(inner, {
      produce: async () => {
        throw new SwitchboardError('SERVICE_UNAVAILABLE', 'kafka: producing 1 record(s) failed: connection refused');
      },
    });
    await using client = new RoutingEventClient(broken);
    await assert.rejects(client.requestRouting('lost'), (error: unknown) => {
      assert.ok(error instanceof RoutingTransportError);
      assert.equal(error.code, 'SERVICE_UNAVAILABLE');
      assert.match(error.message, /could not send the routing request: .*connection refused/);
      return true;
    });
    assert.equal(client.stats().transportErrors, 1);
  });

  test('close() fails every request in flight with a transport error and refuses new ones', async (t) => {
    const bus = await inProcessBus(t);
    await fakeResponder(bus, () => []);
    const client = new RoutingEventClient(bus);
    const pending = [client.requestRouting('one', { timeoutMs: 10_000 }), client.requestRouting('two', { timeoutMs: 10_000 })];
    await sleep(10);
    const started = performance.now();
    await client.close();
    for (const request of pending) await assert.rejects(request, (error: unknown) => error instanceof RoutingTransportError && /closed/.test(error.message));
    assert.ok(performance.now() - started < 1_000);
    await assert.rejects(client.requestRouting('three'), RoutingTransportError);
    await client.close(); // idempotent
  });

  test('`await using` closes the client, and the bus too when the client owns it', async (t) => {
    const bus = await inProcessBus(t);
    await fakeResponder(bus);
    let pending: Promise<unknown>;
    {
      await using client = new RoutingEventClient(bus, { ownsBus: true });
      await client.requestRouting('hello');
      pending = client.requestRouting('left behind', { timeoutMs: 10_000 });
      pending.catch(() => undefined);
    }
    await assert.rejects(pending, RoutingTransportError);
    await assert.rejects(bus.produce([{ topic: TOPICS.requested, key: 'k', value: '{}' }]), /closed/);
  });
});

/** `inner` with some of its methods replaced. */
function wrap(inner: Bus, overrides: Partial<Bus>): Bus {
  return {
    createTopics: (topics, partitions) => inner.createTopics(topics, partitions),
    produce: (records) => inner.produce(records),
    subscribe: (options, handler) => inner.subscribe(options, handler),
    close: () => inner.close(),
    ...overrides,
  };
}

async function until(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail('condition not met in time');
    await sleep(5);
  }
}
