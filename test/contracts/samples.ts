import { randomUUID } from 'node:crypto';
import type { EventType, PayloadOf } from '../../src/contracts/events.ts';
import type { RoutingResult } from '../../src/contracts/routing.ts';

/** Payloads of every event type, as the service and the client make them. */

export const RESULT: RoutingResult = {
  recommendations: [
    {
      agent_name: 'agent-debug-intelligence',
      agent_title: 'Debug Intelligence',
      confidence: {
        total: 0.91,
        trigger_score: 1,
        context_score: 0.7,
        capability_score: 0.8,
        historical_score: 0.5,
        semantic_score: 0.77,
        explanation: 'trigger "debug" matched',
      },
      reason: "Exact match: 'debug'",
      definition_path: 'agents/agent-debug-intelligence.md',
    },
  ],
  selected_agent: 'agent-debug-intelligence',
  routing_policy: 'trigger_match',
  routing_metadata: {
    routing_time_ms: 0.42,
    cache_hit: false,
    candidates_evaluated: 21,
    routing_strategy: 'lexical',
    registry_version: 'sha256:0f3a',
  },
};

export const NO_MATCH: RoutingResult = {
  recommendations: [],
  selected_agent: null,
  routing_policy: 'no_match',
  reason: 'no_candidate_above_threshold',
  routing_metadata: { ...RESULT.routing_metadata, cache_hit: true },
};

export const PAYLOADS: { [T in EventType]: PayloadOf<T>[] } = {
  AGENT_ROUTING_REQUESTED: [
    { user_request: 'debug the failing payment webhook' },
    {
      user_request: 'écris les tests ✓',
      context: { domain: 'testing', current_file: 'src/pay.ts' },
      options: { max_recommendations: 3, min_confidence: 0.4, routing_strategy: 'lexical' },
    },
  ],
  AGENT_ROUTING_COMPLETED: [RESULT, NO_MATCH],
  AGENT_ROUTING_FAILED: [
    { error_code: 'INVALID_REQUEST', error_message: 'payload.user_request: required' },
    { error_code: 'SERVICE_UNAVAILABLE', error_message: 'registry not loaded', fallback_recommendation: 'agent-general' },
  ],
  AGENT_ROUTING_FEEDBACK: [
    { correlation_id: randomUUID(), success: true },
    { correlation_id: randomUUID(), success: false, quality_score: 0.2, note: 'wrong agent', source: 'user' },
  ],
  AGENT_ROUTING_DECISION: [
    { outcome: 'completed', request: { user_request: 'debug it' }, result: RESULT, routing_path: 'event', latency_ms: 2.1, transport: 'kafka' },
    {
      outcome: 'failed',
      request: { user_request: 'debug it', options: { routing_strategy: 'nope' } },
      error: { error_code: 'INVALID_REQUEST', error_message: 'unknown strategy nope' },
      routing_path: 'local',
      latency_ms: 0.3,
      instance: 'client-7',
      experiment: 'lexical-vs-hybrid',
      variant: 'b',
    },
  ],
};

/** A request as a Python producer writes it (json.dumps of a dict, datetime.isoformat()). */
export function pythonRequest(correlationId: string): string {
  return `{"event_id": "${randomUUID()}", "event_type": "AGENT_ROUTING_REQUESTED", "correlation_id": "${correlationId}",
    "timestamp": "2026-12-02T10:15:30.123456+00:00", "service": "omniclaude-agent", "deadline": "2026-12-02T10:15:35.123456+00:00",
    "trace_id": "abc123", "payload": {"user_request": "help me debug a flaky test", "context": {"domain": "testing",
    "previous_agent": null, "session": "s-1"}, "options": {"max_recommendations": 3, "min_confidence": null,
    "routing_strategy": null}, "priority": "high"}}`;
}
