import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { buildEvent, eventRecord } from '../contracts/event-codec.ts';
import type { PayloadOf, RoutingDecisionEvent } from '../contracts/events.ts';
import type { TopicNames } from '../contracts/topics.ts';
import type { Bus, OutgoingRecord } from '../transport/bus.ts';
import type { ServiceMetrics } from './metrics.ts';
import type { Decision } from './routing-service.ts';

/** The name the service signs its events with. */
export const SERVICE_NAME = 'switchboard-router';

/** Which service instance decided: several share one consumer group. */
const INSTANCE = `${hostname()}:${process.pid}`;

/** Where decisions are kept (the decision history). */
export interface DecisionSink {
  record(event: RoutingDecisionEvent): void;
}

export interface DecisionEventsOptions {
  readonly bus: Bus;
  /** `in-process` or `kafka`: the transport named in events of requests that came over the bus. */
  readonly busKind: string;
  readonly topics: TopicNames;
  readonly metrics: ServiceMetrics;
  readonly logger: Logger;
  /** Put each event on the decision topic. */
  readonly publish: boolean;
  /** Record each event in the history. */
  readonly history?: DecisionSink;
}

/**
 * The `agent.routing.decision.v1` events (SPEC §3): one per decision, on any transport,
 * published on the decision topic and/or recorded in the history. A rejected request is not
 * a decision and gets none. Building one never fails the request it describes: a request the
 * event schema refuses is logged and skipped.
 */
export class DecisionEvents {
  readonly #options: DecisionEventsOptions;
  readonly #pending = new Set<Promise<void>>();

  constructor(options: DecisionEventsOptions) {
    this.#options = options;
  }

  /** Records a decision taken on the bus; returns its event record, to be produced with the reply, when publishing. */
  record(request: unknown, decision: Decision, correlationId: string): OutgoingRecord | undefined {
    const event = this.#event(request, decision, correlationId, 'event', this.#options.busKind);
    return event === undefined || !this.#options.publish ? undefined : eventRecord(event, this.#options.topics);
  }

  /** Records an HTTP decision, publishing its event without holding up the reply; `flush` waits for it. */
  publish(request: unknown, decision: Decision, correlationId: string): void {
    const event = this.#event(request, decision, correlationId, 'http', 'http');
    if (event === undefined || !this.#options.publish) return;
    const sent = this.#options.bus.produce([eventRecord(event, this.#options.topics)]).catch((error: unknown) => {
      this.#options.metrics.busError();
      this.#options.logger.warn({ err: error }, 'could not publish a decision event');
    });
    this.#pending.add(sent);
    void sent.finally(() => this.#pending.delete(sent));
  }

  /** Resolves once every published event is acknowledged (or has failed). */
  async flush(): Promise<void> {
    await Promise.all(this.#pending);
  }

  #event(request: unknown, decision: Decision, correlationId: string, path: 'event' | 'http', transport: string): RoutingDecisionEvent | undefined {
    if (!decision.ok && decision.failure.outcome === 'invalid') return undefined;
    const common = {
      request: request as PayloadOf<'AGENT_ROUTING_DECISION'>['request'],
      routing_path: path,
      latency_ms: decision.latencyMs,
      transport,
      instance: INSTANCE,
      ...(decision.assignment && { experiment: decision.assignment.experiment, variant: decision.assignment.variant.name }),
    };
    const payload: PayloadOf<'AGENT_ROUTING_DECISION'> = decision.ok
      ? { ...common, outcome: 'completed', result: decision.result }
      : { ...common, outcome: 'failed', error: decision.failure.payload };
    let event: RoutingDecisionEvent;
    try {
      event = buildEvent('AGENT_ROUTING_DECISION', { correlationId, service: SERVICE_NAME }, payload);
    } catch (error) {
      this.#options.logger.warn({ err: error }, 'decision event not built');
      return undefined;
    }
    this.#options.history?.record(event);
    return event;
  }
}
