import { randomUUID } from 'node:crypto';
import { buildEvent, eventRecord, parseEvent } from '../contracts/event-codec.ts';
import type { FeedbackPayload } from '../contracts/events.ts';
import type { RoutingRequest, RoutingResult } from '../contracts/routing.ts';
import { topicNames, type TopicNames } from '../contracts/topics.ts';
import { SwitchboardError } from '../errors.ts';
import type { Bus, BusRecord, Subscription } from '../transport/bus.ts';
import { localDecisionEvent, type DecisionReporter, type LocalDecision } from './decision-report.ts';
import { RoutingFailedError, RoutingTimeoutError, RoutingTransportError } from './errors.ts';
import { PendingRequests, type ReplyMatch } from './pending-requests.ts';
import { routingRequest, type RequestOptions } from './request.ts';
import { DEFAULT_TIMEOUT_MS, type RemoteRouter, type SendOptions } from './remote.ts';

export interface EventClientOptions {
  /** Default: SPEC §3's topic names (`topicNames()`). */
  readonly topics?: TopicNames;
  /** Who the requests come from (the envelope's `service`); default `switchboard-client`. */
  readonly service?: string;
  /** Default per-request timeout, ms (default 2,000). */
  readonly timeoutMs?: number;
  /** Close the bus with the client: for a bus made for this client alone. */
  readonly ownsBus?: boolean;
  /** Failures the reply consumer rides out by itself (lost connections, failed commits), for logs. */
  readonly onError?: (error: unknown) => void;
}

export type RequestRoutingOptions = RequestOptions & SendOptions;

/** What the client has seen since it was made, for metrics and logs. */
export interface ClientStats {
  sent: number;
  inFlight: number;
  completed: number;
  failed: number;
  timedOut: number;
  transportErrors: number;
  /** Replies for a request already answered (redelivery): ignored. */
  duplicateReplies: number;
  /** Replies for a request that had timed out: ignored. */
  lateReplies: number;
  /** Replies for other clients' requests: ignored. */
  unknownReplies: number;
  /** Local decisions reported on the decision topic, and reports the bus did not take. */
  reported: number;
  reportErrors: number;
}

const REPLY_TYPES = ['AGENT_ROUTING_COMPLETED', 'AGENT_ROUTING_FAILED'] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Request/reply over the bus (SPEC §3–4): publishes AGENT_ROUTING_REQUESTED keyed by its
 * correlation id and waits for the completed or failed event with that id, read by a reply
 * consumer of the client's own group. Every client reads every reply, so a reply is
 * matched by its record key before its value is parsed: others' replies cost a Map lookup.
 */
export class RoutingEventClient implements RemoteRouter, DecisionReporter, AsyncDisposable {
  readonly transport = 'event';
  readonly #bus: Bus;
  readonly #topics: TopicNames;
  readonly #service: string;
  readonly #timeoutMs: number;
  readonly #ownsBus: boolean;
  readonly #pending = new PendingRequests<RoutingResult>();
  readonly #subscription: Promise<Subscription>;
  readonly #ready: Promise<void>;
  readonly #stats: Omit<ClientStats, 'inFlight'> = {
    sent: 0,
    completed: 0,
    failed: 0,
    timedOut: 0,
    transportErrors: 0,
    duplicateReplies: 0,
    lateReplies: 0,
    unknownReplies: 0,
    reported: 0,
    reportErrors: 0,
  };
  readonly #reports = new Set<Promise<void>>();
  #closing: Promise<void> | undefined;

  /** Starts the reply consumer at once; requests wait for it to be assigned before they are sent. */
  constructor(bus: Bus, options: EventClientOptions = {}) {
    this.#bus = bus;
    this.#topics = options.topics ?? topicNames();
    this.#service = options.service ?? 'switchboard-client';
    this.#timeoutMs = checkTimeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    this.#ownsBus = options.ownsBus ?? false;
    this.#subscription = bus.subscribe(
      {
        // A group of its own: every client sees every reply, and keeps the ones it waits for.
        groupId: `switchboard-client-${randomUUID()}`,
        topics: [this.#topics.completed, this.#topics.failed],
        // Only replies to requests sent from now on are ours.
        from: 'latest',
        onError: options.onError,
      },
      async (record) => this.#onReply(record),
    );
    this.#ready = this.#subscription.then((subscription) => subscription.ready);
    this.#ready.catch(() => undefined); // surfaced by each request as a transport error
  }

  /** Resolves once the reply consumer is assigned: a request sent now cannot miss its reply. */
  get ready(): Promise<void> {
    return this.#ready;
  }

  stats(): ClientStats {
    return { ...this.#stats, inFlight: this.#pending.size };
  }

  /**
   * Asks the service to route `userRequest`. Rejects with RoutingTimeoutError,
   * RoutingTransportError or RoutingFailedError (the failed event's error_code), or with
   * INVALID_REQUEST before sending anything when the request breaks the wire schema.
   */
  async requestRouting(userRequest: string, options: RequestRoutingOptions = {}): Promise<RoutingResult> {
    return this.send(routingRequest(userRequest, options), options);
  }

  /** Sends a routing input already checked by `routingRequest` (the facade's way in). */
  async send(request: RoutingRequest, options: SendOptions = {}): Promise<RoutingResult> {
    const timeoutMs = checkTimeout(options.timeoutMs ?? this.#timeoutMs);
    const correlationId = options.correlationId ?? randomUUID();
    if (!UUID.test(correlationId)) throw new SwitchboardError('INVALID_REQUEST', `correlation id must be a UUID, got '${correlationId}'`);
    if (this.#closing !== undefined) throw new RoutingTransportError(correlationId, 'the routing client is closed');
    if (this.#pending.has(correlationId)) throw new SwitchboardError('INVALID_REQUEST', `correlation id ${correlationId} is already in flight`);
    const event = buildEvent(
      'AGENT_ROUTING_REQUESTED',
      { correlationId, service: this.#service, deadline: new Date(Date.now() + timeoutMs) },
      request,
    );
    // The timer runs from here: waiting for the reply consumer counts against the timeout.
    const reply = this.#pending.add(correlationId, timeoutMs, () => {
      this.#stats.timedOut++;
      return new RoutingTimeoutError(correlationId, timeoutMs);
    });
    this.#stats.sent++;
    this.#ready
      .then(() => this.#bus.produce([eventRecord(event, this.#topics)]))
      .catch((error: unknown) => {
        if (!this.#pending.has(correlationId)) return; // already timed out or closed
        this.#stats.transportErrors++;
        const reason = error instanceof Error ? error.message : String(error);
        this.#pending.abandon(correlationId, new RoutingTransportError(correlationId, `could not send the routing request: ${reason}`, { cause: error }));
      });
    return reply;
  }

  /**
   * Publishes a decision made in this process on the decision topic, where the service
   * records it. Never waits: `close` waits for the reports in flight; failures are counted.
   */
  report(decision: LocalDecision): void {
    this.#stats.reported++;
    // Built inside the promise: an event that fails its schema is a counted report error, never a throw here.
    const sent = Promise.resolve()
      .then(() => this.#bus.produce([eventRecord(localDecisionEvent(decision), this.#topics)]))
      .catch(() => {
        this.#stats.reportErrors++;
      });
    this.#reports.add(sent);
    void sent.finally(() => this.#reports.delete(sent));
  }

  /**
   * Sends the outcome of a routed request on the feedback topic (SPEC §3). Resolves once the
   * broker has it; the service records it, or answers bad feedback on the failed topic.
   */
  async feedback(outcome: FeedbackPayload): Promise<void> {
    const event = buildEvent('AGENT_ROUTING_FEEDBACK', { correlationId: outcome.correlation_id, service: this.#service }, outcome);
    await this.#bus.produce([eventRecord(event, this.#topics)]);
  }

  /** Fails every request in flight with a transport error, stops the reply consumer. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#pending.abandonAll((id) => new RoutingTransportError(id, 'the routing client was closed'));
      await Promise.all(this.#reports);
      const subscription = await this.#subscription.catch(() => undefined);
      await subscription?.close();
      if (this.#ownsBus) await this.#bus.close();
    })();
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Never throws: a handler that did would have the record redelivered forever. */
  #onReply(record: BusRecord): void {
    const id = record.key;
    const match = this.#pending.settle(id, () => {
      const parsed = parseEvent(record.value, REPLY_TYPES);
      if (!parsed.ok || parsed.event.correlation_id !== id) {
        this.#stats.transportErrors++;
        const reason = parsed.ok ? `its correlation_id ${parsed.event.correlation_id} is not its key` : parsed.error.message;
        return { error: new RoutingTransportError(id, `unreadable routing reply: ${reason}`) };
      }
      const { event } = parsed;
      if (event.event_type === 'AGENT_ROUTING_COMPLETED') {
        this.#stats.completed++;
        return { value: event.payload };
      }
      this.#stats.failed++;
      return { error: new RoutingFailedError(id, event.payload) };
    });
    this.#count(match);
  }

  #count(match: ReplyMatch): void {
    if (match === 'duplicate') this.#stats.duplicateReplies++;
    else if (match === 'late') this.#stats.lateReplies++;
    else if (match === 'unknown') this.#stats.unknownReplies++;
  }
}

function checkTimeout(timeoutMs: number): number {
  // setTimeout fires at once for anything over 2^31 - 1 ms.
  if (!(timeoutMs > 0 && timeoutMs <= 2 ** 31 - 1)) throw new SwitchboardError('USAGE', `timeoutMs must be 1..${2 ** 31 - 1}, got ${timeoutMs}`);
  return timeoutMs;
}
