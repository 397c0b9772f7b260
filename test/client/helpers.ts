import type { TestContext } from 'node:test';
import { buildEvent, eventRecord, parseEvent } from '../../src/contracts/event-codec.ts';
import type { RoutingRequestedEvent } from '../../src/contracts/events.ts';
import type { RoutingResult } from '../../src/contracts/routing.ts';
import { topicNames } from '../../src/contracts/topics.ts';
import type { Bus, OutgoingRecord } from '../../src/transport/bus.ts';
import { InProcessBus } from '../../src/transport/in-process-bus.ts';

export const TOPICS = topicNames();

/** A routing result that names the request it answers, so tests can tell replies apart. */
export function resultFor(userRequest: string): RoutingResult {
  return {
    recommendations: [],
    selected_agent: null,
    routing_policy: 'no_match',
    reason: 'no_candidate_above_threshold',
    routing_metadata: { routing_time_ms: 0.1, cache_hit: false, candidates_evaluated: 1, routing_strategy: userRequest, registry_version: 'test' },
  };
}

export function completed(request: RoutingRequestedEvent, result: RoutingResult = resultFor(request.payload.user_request)): OutgoingRecord {
  return eventRecord(buildEvent('AGENT_ROUTING_COMPLETED', { correlationId: request.correlation_id, service: 'fake' }, result), TOPICS);
}

export function failed(request: RoutingRequestedEvent, code: 'INVALID_REQUEST' | 'INTERNAL_ERROR' | 'SERVICE_UNAVAILABLE'): OutgoingRecord {
  return eventRecord(
    buildEvent('AGENT_ROUTING_FAILED', { correlationId: request.correlation_id, service: 'fake' }, { error_code: code, error_message: `fake ${code}` }),
    TOPICS,
  );
}

/**
 * A stand-in routing service on the bus: `answer` says what to produce for each request
 * (nothing, to let it time out). Records every request it saw.
 */
export async function fakeResponder(
  bus: Bus,
  answer: (request: RoutingRequestedEvent) => OutgoingRecord[] = (request) => [completed(request)],
): Promise<RoutingRequestedEvent[]> {
  const seen: RoutingRequestedEvent[] = [];
  const subscription = await bus.subscribe({ groupId: 'fake-service', topics: [TOPICS.requested], from: 'earliest' }, async (record) => {
    const parsed = parseEvent(record.value, ['AGENT_ROUTING_REQUESTED']);
    if (!parsed.ok) throw parsed.error;
    seen.push(parsed.event);
    const replies = answer(parsed.event);
    if (replies.length > 0) await bus.produce(replies);
  });
  await subscription.ready;
  return seen;
}

/** A fresh in-process bus with the routing topics, closed after the test. */
export async function inProcessBus(t: TestContext): Promise<InProcessBus> {
  const bus = new InProcessBus();
  t.after(() => bus.close());
  await bus.createTopics(Object.values(TOPICS), 3);
  return bus;
}
