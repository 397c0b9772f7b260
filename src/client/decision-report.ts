import { hostname } from 'node:os';
import { buildEvent } from '../contracts/event-codec.ts';
import type { RoutingDecisionEvent } from '../contracts/events.ts';
import type { RoutingRequest, RoutingResult } from '../contracts/routing.ts';

/**
 * Where a client's own decisions go, so that the history shows answers the service never
 * gave: the event client publishes them on the decision topic (the service records them),
 * a StoreDecisionReporter writes them to the store directly. `report` never throws and
 * never waits: the answer does not depend on it. It takes the decision, not its event: a
 * one-shot process without a store to write to (the hook, most of the time) never builds one.
 */
export interface DecisionReporter {
  report(decision: LocalDecision): void;
}

export interface LocalDecision {
  readonly request: RoutingRequest;
  readonly result: RoutingResult;
  readonly correlationId: string;
  /** `local`, `hybrid` (after the service failed), or `cli`. */
  readonly routingPath: 'local' | 'hybrid' | 'cli';
  readonly latencyMs: number;
  /** Who decided: the envelope's `service` (never the routing service's own name). */
  readonly service: string;
  /** When it was decided: the event's timestamp, however late the event is built. */
  readonly decidedAt: Date;
}

const INSTANCE = `${hostname()}:${process.pid}`;

/** The `agent.routing.decision.v1` event of a decision made in this process. */
export function localDecisionEvent(decision: LocalDecision): RoutingDecisionEvent {
  return buildEvent(
    'AGENT_ROUTING_DECISION',
    { correlationId: decision.correlationId, service: decision.service, timestamp: decision.decidedAt },
    {
      request: decision.request,
      routing_path: decision.routingPath,
      latency_ms: decision.latencyMs,
      transport: 'none',
      instance: INSTANCE,
      outcome: 'completed',
      result: decision.result,
    },
  );
}
