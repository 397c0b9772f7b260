import type { Logger } from 'pino';
import { z } from 'zod';
import { buildEvent, eventRecord, parseEvent } from '../contracts/event-codec.ts';
import type { RoutingFeedbackEvent } from '../contracts/events.ts';
import type { TopicNames } from '../contracts/topics.ts';
import { SwitchboardError } from '../errors.ts';
import type { Bus, BusRecord, Subscription } from '../transport/bus.ts';
import { SERVICE_NAME } from './decision-events.ts';
import type { DecisionHistory } from './history.ts';
import type { ServiceMetrics } from './metrics.ts';
import { failureOf } from './outcome.ts';

export interface HistoryConsumerOptions {
  /** The group these members share: each record is handled by one service instance. */
  readonly groupId: string;
  readonly topics: TopicNames;
  readonly metrics: ServiceMetrics;
  readonly logger: Logger;
}

const UUID = z.uuid();

/**
 * Feeds the history from the bus: outcomes from the feedback topic, and the decisions others
 * publish on the decision topic (clients that answered locally), so that a trace shows them
 * too. The service's own decisions are recorded where they are made and skipped here.
 *
 * Bad feedback is answered on the failed topic when it names a correlation id, and counted
 * either way; feedback that cannot be stored because the database is away is retried by the
 * bus (the handler rejects), so none is lost.
 */
export class HistoryConsumer {
  readonly #subscription: Subscription;

  static async start(bus: Bus, history: DecisionHistory, options: HistoryConsumerOptions): Promise<HistoryConsumer> {
    const handler = new FeedbackHandler(bus, history, options);
    const subscription = await bus.subscribe(
      {
        groupId: options.groupId,
        topics: [options.topics.feedback, options.topics.decision],
        // Outcomes sent while no service ran still count.
        from: 'earliest',
        // History can wait half a second; fetching record by record doubled the broker's work.
        prefer: 'throughput',
        onError: (error, record) => {
          options.metrics.busError();
          options.logger.warn({ err: error, topic: record?.topic }, 'history consumer error (retried)');
        },
      },
      (record) => handler.handle(record),
    );
    await subscription.ready;
    return new HistoryConsumer(subscription);
  }

  private constructor(subscription: Subscription) {
    this.#subscription = subscription;
  }

  async stop(): Promise<void> {
    await this.#subscription.close();
  }
}

class FeedbackHandler {
  readonly #bus: Bus;
  readonly #history: DecisionHistory;
  readonly #options: HistoryConsumerOptions;

  constructor(bus: Bus, history: DecisionHistory, options: HistoryConsumerOptions) {
    this.#bus = bus;
    this.#history = history;
    this.#options = options;
  }

  async handle(record: BusRecord): Promise<void> {
    if (record.topic === this.#options.topics.decision) return this.#decision(record);
    const parsed = parseEvent(record.value, ['AGENT_ROUTING_FEEDBACK']);
    if (!parsed.ok) {
      return this.#refuse(record, parsed.error.correlationId ?? (UUID.safeParse(record.key).success ? record.key : undefined), parsed.error);
    }
    await this.#feedback(record, parsed.event);
  }

  #decision(record: BusRecord): void {
    // Most decision events are the service's own, already recorded where they were made:
    // skipped before the schema check, which would cost more than the decision did.
    if (signedByService(record.value)) return;
    const parsed = parseEvent(record.value, ['AGENT_ROUTING_DECISION']);
    if (!parsed.ok) {
      this.#options.metrics.dropped('malformed_decision_event');
      this.#options.logger.warn({ offset: String(record.offset), reason: parsed.error.message }, 'malformed decision event: not recorded');
      return;
    }
    this.#history.record(parsed.event);
  }

  async #feedback(record: BusRecord, event: RoutingFeedbackEvent): Promise<void> {
    try {
      // Stored in one form (UTC, milliseconds) whatever offset the sender wrote: windows and ordering compare it as text.
      const recordedAt = new Date(event.timestamp).toISOString();
      await this.#history.recordOutcome({ ...event.payload, source: event.payload.source ?? event.service, recorded_at: recordedAt });
      this.#options.metrics.feedback('recorded', 'bus');
    } catch (error) {
      // The database is away: reject, and the bus delivers this record again later.
      if (error instanceof SwitchboardError && error.code === 'SERVICE_UNAVAILABLE') {
        this.#options.metrics.feedback('unavailable', 'bus');
        throw error;
      }
      // Well-formed feedback on a decision this history does not hold (made by an instance that
      // keeps none): counted, not answered. The failed topic is where a request's caller waits
      // for its one reply, and this request was answered already.
      if (error instanceof SwitchboardError && error.code === 'UNKNOWN_CORRELATION_ID') {
        this.#options.metrics.feedback('unknown_correlation_id', 'bus');
        this.#options.logger.warn({ correlation_id: event.payload.correlation_id }, 'feedback on a decision this history does not hold: not recorded');
        return;
      }
      await this.#refuse(record, event.payload.correlation_id, error);
    }
  }

  /** Counts malformed feedback and answers it on the failed topic when there is a correlation id to answer. */
  async #refuse(record: BusRecord, correlationId: string | undefined, error: unknown): Promise<void> {
    const failure = failureOf(error);
    this.#options.metrics.feedback('invalid', 'bus');
    if (correlationId === undefined) {
      this.#options.logger.warn({ offset: String(record.offset), reason: failure.payload.error_message }, 'bad feedback without a correlation id: not answered');
      return;
    }
    const reply = buildEvent('AGENT_ROUTING_FAILED', { correlationId, service: SERVICE_NAME }, failure.payload);
    await this.#bus.produce([eventRecord(reply, this.#options.topics)]);
  }
}

function signedByService(value: string): boolean {
  try {
    return (JSON.parse(value) as { service?: unknown } | null)?.service === SERVICE_NAME;
  } catch {
    return false;
  }
}
