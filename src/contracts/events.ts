import { z } from 'zod';
import { ERROR_CODES, type WireErrorCode } from '../errors.ts';
import { optional, RoutingRequestSchema, RoutingResultSchema } from './routing-schemas.ts';

/**
 * The event contract of SPEC §3: one envelope, five event types, a typed payload each.
 * These schemas are the single source of the wire format: the service and the client
 * parse and build with them (src/contracts/event-codec.ts), and the JSON Schema files in
 * schemas/ that foreign producers validate against are generated from them.
 */

export const EVENT_TYPES = [
  'AGENT_ROUTING_REQUESTED',
  'AGENT_ROUTING_COMPLETED',
  'AGENT_ROUTING_FAILED',
  'AGENT_ROUTING_FEEDBACK',
  'AGENT_ROUTING_DECISION',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const WIRE_ERROR_CODES = [...new Set(Object.values(ERROR_CODES).map((code) => code.wire))] as [
  WireErrorCode,
  ...WireErrorCode[],
];

/** How a decision was reached (SPEC §4's routing_path, plus the service's own edges). */
export const ROUTING_PATHS = ['event', 'local', 'hybrid', 'http', 'cli'] as const;
export type RoutingPath = (typeof ROUTING_PATHS)[number];

export const MAX_ERROR_MESSAGE_CHARS = 2_000;
export const MAX_FEEDBACK_NOTE_CHARS = 2_000;

/**
 * A time without an offset ("2026-12-02T10:15:30", what Python's `datetime.utcnow().isoformat()`
 * writes) is refused rather than guessed: read as UTC, a producer's local time would skip or
 * keep a request by its `deadline` hours off. The message says what to send instead.
 */
const Timestamp = z.iso
  .datetime({ offset: true, error: 'expected an ISO-8601 date-time with an offset (Z or ±hh:mm), e.g. 2026-12-02T10:15:30Z' })
  .meta({ id: 'Timestamp', description: 'ISO-8601 with an offset' });
const Uuid = z.uuid().meta({ id: 'Uuid' });

const envelope = {
  event_id: Uuid.describe('unique per event; a redelivered event keeps it'),
  correlation_id: Uuid.describe('the routing request this event belongs to; also the record key'),
  timestamp: Timestamp.describe('when the event was made, ISO-8601 with an offset'),
  service: z.string().min(1).max(200).describe('who made it: a service or client name'),
};

export const FailedPayload = z
  .object({
    error_code: z.enum(WIRE_ERROR_CODES),
    error_message: z.string().max(MAX_ERROR_MESSAGE_CHARS),
    fallback_recommendation: optional(z.string().max(200).describe('an agent the caller may use instead, when the operator set one')),
  })
  .meta({ id: 'FailedPayload' });
export type FailedPayload = z.output<typeof FailedPayload>;

export const FeedbackPayload = z.object({
  correlation_id: Uuid.describe('the routing request whose outcome this is'),
  success: z.boolean(),
  quality_score: optional(z.number().min(0).max(1)),
  note: optional(z.string().max(MAX_FEEDBACK_NOTE_CHARS)),
  source: optional(z.string().max(200).describe('who judged: a user, an agent, a test harness')),
});
export type FeedbackPayload = z.output<typeof FeedbackPayload>;

const decisionCommon = {
  request: RoutingRequestSchema,
  routing_path: z.enum(ROUTING_PATHS),
  latency_ms: z.number().min(0).describe('end to end, as the maker of the event saw it'),
  transport: optional(z.string().max(50).describe('kafka, in-process, http, none…')),
  instance: optional(z.string().max(200).describe('the service instance or client that decided')),
  experiment: optional(z.string().max(200)),
  variant: optional(z.string().max(200)),
};

/** One per decision, whatever path made it (observability and history; SPEC §5). */
export const DecisionPayload = z.discriminatedUnion('outcome', [
  z.object({ ...decisionCommon, outcome: z.literal('completed'), result: RoutingResultSchema }),
  z.object({ ...decisionCommon, outcome: z.literal('failed'), error: FailedPayload }),
]);
export type DecisionPayload = z.output<typeof DecisionPayload>;

export const RoutingRequestedEvent = z.object({
  ...envelope,
  event_type: z.literal('AGENT_ROUTING_REQUESTED'),
  deadline: optional(
    Timestamp.describe('when the caller stops waiting; the service skips a request received after it. Absent: no deadline'),
  ),
  payload: RoutingRequestSchema,
});
export const RoutingCompletedEvent = z.object({
  ...envelope,
  event_type: z.literal('AGENT_ROUTING_COMPLETED'),
  payload: RoutingResultSchema,
});
export const RoutingFailedEvent = z.object({ ...envelope, event_type: z.literal('AGENT_ROUTING_FAILED'), payload: FailedPayload });
export const RoutingFeedbackEvent = z.object({ ...envelope, event_type: z.literal('AGENT_ROUTING_FEEDBACK'), payload: FeedbackPayload });
export const RoutingDecisionEvent = z.object({ ...envelope, event_type: z.literal('AGENT_ROUTING_DECISION'), payload: DecisionPayload });

export type RoutingRequestedEvent = z.output<typeof RoutingRequestedEvent>;
export type RoutingCompletedEvent = z.output<typeof RoutingCompletedEvent>;
export type RoutingFailedEvent = z.output<typeof RoutingFailedEvent>;
export type RoutingFeedbackEvent = z.output<typeof RoutingFeedbackEvent>;
export type RoutingDecisionEvent = z.output<typeof RoutingDecisionEvent>;

export const EVENT_SCHEMAS = {
  AGENT_ROUTING_REQUESTED: RoutingRequestedEvent,
  AGENT_ROUTING_COMPLETED: RoutingCompletedEvent,
  AGENT_ROUTING_FAILED: RoutingFailedEvent,
  AGENT_ROUTING_FEEDBACK: RoutingFeedbackEvent,
  AGENT_ROUTING_DECISION: RoutingDecisionEvent,
} as const satisfies Record<EventType, z.ZodType>;

/** The typed event of a type, as parsed (defaults applied, nulls read as absent). */
export type EventOf<T extends EventType> = z.output<(typeof EVENT_SCHEMAS)[T]>;
/** What a builder is given: the payload as it will be written. */
export type PayloadOf<T extends EventType> = z.input<(typeof EVENT_SCHEMAS)[T]>['payload'];
