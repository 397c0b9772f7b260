import type { Logger } from 'pino';
import { z } from 'zod';
import { buildEvent, eventRecord, parseEvent, type EventContext, type EventValidationError } from '../contracts/event-codec.ts';
import type { EventOf, FailedPayload, RoutingRequestedEvent } from '../contracts/events.ts';
import type { TopicNames } from '../contracts/topics.ts';
import { LruTtlCache } from '../routing/cache.ts';
import type { Bus, BusRecord, OutgoingRecord, PartitionLag, Subscription } from '../transport/bus.ts';
import { SERVICE_NAME, type DecisionEvents } from './decision-events.ts';
import type { BusKind, BusStatus, ConsumerState } from './health.ts';
import { failureOf } from './outcome.ts';
import type { ShadowRunner } from './shadow.ts';
import type { Decision, RoutingService } from './routing-service.ts';

export interface ConsumerOptions {
  readonly kind: BusKind;
  readonly brokers?: readonly string[];
  readonly groupId: string;
  readonly topics: TopicNames;
  /** Where decision events go; none are published without it. */
  readonly decisions?: DecisionEvents;
  /** Told about each decision once its reply is out. */
  readonly shadow?: ShadowRunner;
  readonly logger: Logger;
  /** Request event ids remembered with their reply, for redeliveries (default 10,000). */
  readonly recentReplies?: number;
}

/** Long enough for any redelivery (a rebalance, a retried produce); the LRU bounds memory. */
const RECENT_REPLY_TTL_MS = 10 * 60_000;

/**
 * The service's member of the request consumer group. For each request record: answer a
 * redelivered event id with the reply already sent; skip (and count) a request whose
 * deadline has passed, since its caller has fallen back; answer a malformed one with a
 * failed event when it has a usable correlation id, else count and log it; route the rest.
 * The handler resolves only once the reply is produced, and the bus commits only then.
 */
export class RequestConsumer {
  readonly #bus: Bus;
  readonly #service: RoutingService;
  readonly #options: ConsumerOptions;
  readonly #recent: LruTtlCache<readonly OutgoingRecord[]>;
  #subscription: Subscription | undefined;
  #state: ConsumerState = 'starting';

  /** Joins the group and resolves once this member is assigned its partitions. */
  static async start(bus: Bus, service: RoutingService, options: ConsumerOptions): Promise<RequestConsumer> {
    const consumer = new RequestConsumer(bus, service, options);
    await consumer.#subscribe();
    return consumer;
  }

  private constructor(bus: Bus, service: RoutingService, options: ConsumerOptions) {
    this.#bus = bus;
    this.#service = service;
    this.#options = options;
    this.#recent = new LruTtlCache(options.recentReplies ?? 10_000, RECENT_REPLY_TTL_MS);
  }

  status(): BusStatus {
    const { kind, brokers, groupId, topics } = this.#options;
    return { kind, state: this.#state, group_id: groupId, topic: topics.requested, ...(brokers === undefined ? {} : { brokers }) };
  }

  /** The lag of each request partition this member owns (Subscription.lag). */
  lag(): Promise<readonly PartitionLag[]> {
    return this.#subscription?.lag() ?? Promise.resolve([]);
  }

  /** Stops fetching, lets the requests in flight finish and reply, commits, leaves the group. */
  async stop(): Promise<void> {
    this.#state = 'stopping';
    await this.#subscription?.close();
    this.#state = 'stopped';
  }

  async #subscribe(): Promise<void> {
    const { logger, groupId, topics } = this.#options;
    this.#subscription = await this.#bus.subscribe(
      {
        groupId,
        topics: [topics.requested],
        // A new group answers requests sent before it first started; stale ones are
        // skipped by their deadline, so this costs a parse each, not a decision.
        from: 'earliest',
        onError: (error, record) => {
          this.#service.metrics.busError();
          logger.warn({ err: error, ...where(record) }, 'bus consumer error (retried)');
        },
      },
      (record) => this.#handle(record),
    );
    await this.#subscription.ready;
    this.#state = 'consuming';
  }

  async #handle(record: BusRecord): Promise<void> {
    const parsed = parseEvent(record.value, ['AGENT_ROUTING_REQUESTED']);
    if (!parsed.ok) return this.#malformed(record, parsed.error);
    const request = parsed.event;
    if (request.deadline !== undefined && Date.parse(request.deadline) <= Date.now()) {
      this.#service.metrics.count('expired', this.#service.strategyLabel(request.payload), 'bus');
      return;
    }
    const sent = this.#recent.get(request.event_id);
    if (sent !== undefined) {
      this.#service.metrics.redelivered();
      await this.#bus.produce(sent);
      return;
    }
    const { decision, records } = await this.#decide(request);
    await this.#bus.produce(records);
    this.#options.shadow?.schedule(request.payload, decision, request.correlation_id);
    // A redelivery gets the reply again, not a second decision event.
    this.#recent.set(request.event_id, [records[0]]);
  }

  /** The reply, then the decision event: one produce call, so they travel in one batch. */
  async #decide(request: RoutingRequestedEvent): Promise<{ decision: Decision; records: [OutgoingRecord, ...OutgoingRecord[]] }> {
    const { topics, decisions } = this.#options;
    const decision = await this.#service.decide(request.payload, 'bus', request.correlation_id);
    const context = { correlationId: request.correlation_id, service: SERVICE_NAME };
    const event = decisions?.record(request.payload, decision, request.correlation_id);
    return { decision, records: [eventRecord(this.#reply(context, decision), topics), ...(event === undefined ? [] : [event])] };
  }

  /**
   * The completed or failed event. A reply that fails its own schema is our bug: the
   * caller still gets an answer (INTERNAL_ERROR), and the partition is not held up retrying.
   */
  #reply(context: EventContext, decision: Decision): EventOf<'AGENT_ROUTING_COMPLETED' | 'AGENT_ROUTING_FAILED'> {
    try {
      return decision.ok
        ? buildEvent('AGENT_ROUTING_COMPLETED', context, decision.result)
        : buildEvent('AGENT_ROUTING_FAILED', context, decision.failure.payload);
    } catch (error) {
      this.#options.logger.error({ err: error, correlation_id: context.correlationId }, 'reply not built');
      return buildEvent('AGENT_ROUTING_FAILED', context, failureOf(error).payload);
    }
  }

  /**
   * A record that is not a valid request: a failed reply when it names a correlation id,
   * in its value or, for a value too broken to read, in its key (SPEC §4: the key is the
   * correlation id); otherwise counted and logged. Either way the consumer moves on.
   */
  async #malformed(record: BusRecord, error: EventValidationError): Promise<void> {
    const correlationId = error.correlationId ?? (UUID.safeParse(record.key).success ? record.key : undefined);
    if (correlationId === undefined) {
      this.#service.metrics.dropped('no_correlation_id');
      this.#options.logger.warn({ ...where(record), reason: error.message }, 'request without a usable correlation id: no reply');
      return;
    }
    const failure: FailedPayload = this.#service.rejected(error, 'bus').payload;
    const reply = buildEvent('AGENT_ROUTING_FAILED', { correlationId, service: SERVICE_NAME }, failure);
    await this.#bus.produce([eventRecord(reply, this.#options.topics)]);
  }
}

const UUID = z.uuid();

function where(record: BusRecord | undefined) {
  return record === undefined ? {} : { topic: record.topic, partition: record.partition, offset: String(record.offset) };
}
