import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { buildEvent, eventRecord, parseEvent, EventValidationError } from '../../src/contracts/event-codec.ts';
import { EVENT_TYPES, type EventType } from '../../src/contracts/events.ts';
import { MAX_REQUEST_CHARS } from '../../src/contracts/routing.ts';
import { topicNames } from '../../src/contracts/topics.ts';
import { SwitchboardError } from '../../src/errors.ts';
import { PAYLOADS, RESULT, pythonRequest } from './samples.ts';

const context = () => ({ correlationId: randomUUID(), service: 'switchboard-test' });

/** A valid request event as text, with `change` applied to its parsed form. */
function request(change: (event: Record<string, any>) => void = () => undefined): string {
  const event = JSON.parse(JSON.stringify(buildEvent('AGENT_ROUTING_REQUESTED', context(), { user_request: 'debug it' })));
  change(event);
  return JSON.stringify(event);
}

function rejected(value: string, accepted: readonly EventType[] = ['AGENT_ROUTING_REQUESTED']): EventValidationError {
  const parsed = parseEvent(value, accepted);
  assert.equal(parsed.ok, false, 'expected a validation error');
  return (parsed as { error: EventValidationError }).error;
}

test('every built event parses back to itself', () => {
  for (const type of EVENT_TYPES) {
    for (const payload of PAYLOADS[type]) {
      const event = buildEvent(type, { ...context(), ...(type === 'AGENT_ROUTING_REQUESTED' && { deadline: new Date() }) }, payload as never);
      const parsed = parseEvent(JSON.stringify(event), [type]);
      assert.ok(parsed.ok, `${type}: ${!parsed.ok && parsed.error.message}`);
      assert.deepEqual(JSON.parse(JSON.stringify(parsed.event)), JSON.parse(JSON.stringify(event)));
    }
  }
});

test('a built event has a new uuid, the given correlation id, an ISO timestamp and the deadline', () => {
  const ctx = { ...context(), timestamp: new Date('2026-12-02T10:00:00Z'), deadline: new Date('2026-12-02T10:00:05Z') };
  const a = buildEvent('AGENT_ROUTING_REQUESTED', ctx, { user_request: 'x' });
  const b = buildEvent('AGENT_ROUTING_REQUESTED', ctx, { user_request: 'x' });
  assert.notEqual(a.event_id, b.event_id);
  assert.equal(a.correlation_id, ctx.correlationId);
  assert.equal(a.timestamp, '2026-12-02T10:00:00.000Z');
  assert.equal(a.deadline, '2026-12-02T10:00:05.000Z');
  assert.equal(a.service, 'switchboard-test');
});

test('building an event that breaks its own schema is an internal error, caught before sending', () => {
  const broken = { ...RESULT, routing_metadata: { ...RESULT.routing_metadata, candidates_evaluated: 1.5 } };
  assert.throws(() => buildEvent('AGENT_ROUTING_COMPLETED', context(), broken), (error: unknown) => {
    assert.ok(error instanceof SwitchboardError);
    assert.equal(error.code, 'INTERNAL_ERROR');
    assert.match(error.message, /payload\.routing_metadata\.candidates_evaluated/);
    return true;
  });
});

test('the record of an event: its topic, keyed by correlation id, JSON text', () => {
  const event = buildEvent('AGENT_ROUTING_FAILED', context(), { error_code: 'ROUTING_TIMEOUT', error_message: 'too slow' });
  const record = eventRecord(event, topicNames('staging.routing'));
  assert.deepEqual(record, { topic: 'staging.routing.failed.v1', key: event.correlation_id, value: JSON.stringify(event) });
});

test('a Python producer\'s request parses: microsecond offsets, nulls for absent fields, unknown fields ignored', () => {
  const correlationId = randomUUID();
  const parsed = parseEvent(pythonRequest(correlationId), ['AGENT_ROUTING_REQUESTED']);
  assert.ok(parsed.ok, !parsed.ok ? parsed.error.message : '');
  const { event } = parsed;
  assert.equal(event.correlation_id, correlationId);
  assert.equal(event.deadline, '2026-12-02T10:15:35.123456+00:00');
  assert.deepEqual(event.payload.context, { domain: 'testing', session: 's-1' });
  assert.equal(event.payload.options?.min_confidence, undefined);
  assert.equal(event.payload.options?.max_recommendations, 3);
  assert.equal('trace_id' in event, false);
  assert.equal('priority' in event.payload, false);
});

test('malformed records: what is wrong, field by field, and the correlation id when it is usable', () => {
  const tooLong = rejected(request((e) => (e.payload.user_request = 'x'.repeat(MAX_REQUEST_CHARS + 1))));
  assert.equal(tooLong.code, 'INVALID_REQUEST');
  assert.equal(tooLong.wireCode, 'INVALID_REQUEST');
  assert.ok(tooLong.correlationId);
  assert.deepEqual(tooLong.issues.map((issue) => issue.path), ['payload.user_request']);

  const wrongTypes = rejected(request((e) => (e.payload.options = { max_recommendations: '5', min_confidence: 2 })));
  assert.deepEqual(wrongTypes.issues.map((issue) => issue.path), ['payload.options.max_recommendations', 'payload.options.min_confidence']);
  assert.match(wrongTypes.message, /^payload\.options\.max_recommendations: .*; payload\.options\.min_confidence: /);

  const missing = rejected(request((e) => delete e.payload.user_request));
  assert.deepEqual(missing.issues, [{ path: 'payload.user_request', message: 'required' }]);

  const noCorrelation = rejected(request((e) => delete e.correlation_id));
  assert.equal(noCorrelation.correlationId, undefined);
  assert.deepEqual(noCorrelation.issues, [{ path: 'correlation_id', message: 'required' }]);

  const badCorrelation = rejected(request((e) => (e.correlation_id = 'req-42')));
  assert.equal(badCorrelation.correlationId, undefined);

  const naiveTime = rejected(request((e) => (e.deadline = '2026-12-02T10:15:35')));
  assert.deepEqual(naiveTime.issues.map((issue) => issue.path), ['deadline']);
  assert.match(naiveTime.message, /^deadline: expected an ISO-8601 date-time with an offset \(Z or ±hh:mm\)/);
  assert.ok(naiveTime.correlationId);
});

test('records that are not events at all are rejected without a correlation id', () => {
  for (const value of ['{"user_request": ', '[1, 2]', '"text"', 'null', '']) {
    const error = rejected(value);
    assert.equal(error.correlationId, undefined, value);
    assert.equal(error.code, 'INVALID_REQUEST');
  }
  assert.match(rejected('{oops').message, /^not JSON/);
});

test('an event of another type is rejected, naming the types expected', () => {
  const completed = JSON.stringify(buildEvent('AGENT_ROUTING_COMPLETED', context(), RESULT));
  const error = rejected(completed, ['AGENT_ROUTING_REQUESTED']);
  assert.deepEqual(error.issues, [{ path: 'event_type', message: 'expected AGENT_ROUTING_REQUESTED; got "AGENT_ROUTING_COMPLETED"' }]);
  assert.ok(error.correlationId);
  assert.ok(parseEvent(completed, ['AGENT_ROUTING_COMPLETED', 'AGENT_ROUTING_FAILED']).ok);
});

test('an error message stays within the failed payload limit, however many issues', () => {
  const value = request((e) => (e.payload = { user_request: 7, context: Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, i])) }));
  const error = rejected(value);
  assert.ok(error.issues.length > 500);
  assert.ok(error.message.length <= 2_000);
});

test('topic names: the defaults, a prefix, and prefixes Kafka would refuse', () => {
  assert.deepEqual(topicNames(), {
    requested: 'agent.routing.requested.v1',
    completed: 'agent.routing.completed.v1',
    failed: 'agent.routing.failed.v1',
    feedback: 'agent.routing.feedback.v1',
    decision: 'agent.routing.decision.v1',
  });
  assert.equal(topicNames('t-123.agent.routing').requested, 't-123.agent.routing.requested.v1');
  for (const prefix of ['', 'has space', 'slash/y', 'x'.repeat(201)]) assert.throws(() => topicNames(prefix), SwitchboardError, prefix);
});
