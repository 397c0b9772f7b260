import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { SwitchboardError } from '../errors.ts';
import { EVENT_SCHEMAS, MAX_ERROR_MESSAGE_CHARS, type EventOf, type EventType, type PayloadOf } from './events.ts';
import { TOPIC_OF, type TopicNames } from './topics.ts';

/**
 * Reading and writing events. Reading never throws on bad input: a record that is not an
 * event of the expected types gives an EventValidationError that says what is wrong,
 * field by field, and carries the record's correlation id when it has a valid one (so the
 * service can still send a failed reply, SPEC §3). Writing validates too: an event that
 * does not satisfy its own schema is our bug and throws INTERNAL_ERROR before it is sent.
 */

export interface EventIssue {
  /** Dotted path into the event (`payload.options.max_recommendations`), empty for the whole value. */
  readonly path: string;
  readonly message: string;
}

export class EventValidationError extends SwitchboardError {
  readonly issues: readonly EventIssue[];
  /** The record's correlation_id when it is a valid UUID: where a failed reply can go. */
  readonly correlationId: string | undefined;

  constructor(issues: readonly EventIssue[], correlationId: string | undefined) {
    const text = issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)).join('; ');
    super('INVALID_REQUEST', text.length > MAX_ERROR_MESSAGE_CHARS ? `${text.slice(0, MAX_ERROR_MESSAGE_CHARS - 1)}…` : text);
    this.name = 'EventValidationError';
    this.issues = issues;
    this.correlationId = correlationId;
  }
}

export type ParsedEvent<T extends EventType> = { readonly ok: true; readonly event: EventOf<T> } | { readonly ok: false; readonly error: EventValidationError };

const Uuid = z.uuid();

/** Reads a record value as an event of one of the `accepted` types. */
export function parseEvent<T extends EventType>(value: string, accepted: readonly T[]): ParsedEvent<T> {
  let raw: unknown;
  try {
    raw = JSON.parse(value);
  } catch (error) {
    return failure([{ path: '', message: `not JSON (${(error as Error).message})` }], undefined);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return failure([{ path: '', message: 'an event must be a JSON object' }], undefined);
  }
  const fields = raw as Record<string, unknown>;
  const correlationId = Uuid.safeParse(fields.correlation_id).success ? (fields.correlation_id as string) : undefined;
  const type = fields.event_type;
  if (!accepted.includes(type as T)) {
    const got = type === undefined ? 'it is missing' : `got ${JSON.stringify(type)}`;
    return failure([{ path: 'event_type', message: `expected ${accepted.join(' or ')}; ${got}` }], correlationId);
  }
  const parsed = EVENT_SCHEMAS[type as T].safeParse(raw, { reportInput: true });
  if (!parsed.success) return failure(parsed.error.issues.map(describeIssue), correlationId);
  return { ok: true, event: parsed.data as EventOf<T> };
}

export interface EventContext {
  readonly correlationId: string;
  /** Who makes the event: a service or client name. */
  readonly service: string;
  /** Defaults to now. */
  readonly timestamp?: Date;
}

/** Requests also say until when the caller waits. */
export type ContextOf<T extends EventType> = T extends 'AGENT_ROUTING_REQUESTED' ? EventContext & { readonly deadline?: Date } : EventContext;

/** Builds and validates an event with a new event_id. */
export function buildEvent<T extends EventType>(type: T, context: ContextOf<T>, payload: PayloadOf<T>): EventOf<T> {
  const deadline = 'deadline' in context ? context.deadline : undefined;
  const candidate = {
    event_id: randomUUID(),
    event_type: type,
    correlation_id: context.correlationId,
    timestamp: (context.timestamp ?? new Date()).toISOString(),
    service: context.service,
    ...(deadline !== undefined && { deadline: deadline.toISOString() }),
    payload,
  };
  const parsed = EVENT_SCHEMAS[type].safeParse(candidate, { reportInput: true });
  if (!parsed.success) {
    const details = parsed.error.issues.map(describeIssue).map((issue) => `${issue.path}: ${issue.message}`);
    throw new SwitchboardError('INTERNAL_ERROR', `built an invalid ${type} event: ${details.join('; ')}`);
  }
  return parsed.data as EventOf<T>;
}

/** The Kafka record of an event: on its type's topic, keyed by correlation id, JSON value. */
export function eventRecord(event: EventOf<EventType>, topics: TopicNames): { topic: string; key: string; value: string } {
  return { topic: topics[TOPIC_OF[event.event_type]], key: event.correlation_id, value: JSON.stringify(event) };
}

function failure(issues: EventIssue[], correlationId: string | undefined): { ok: false; error: EventValidationError } {
  return { ok: false, error: new EventValidationError(issues, correlationId) };
}

function describeIssue(issue: z.core.$ZodIssue): EventIssue {
  const path = issue.path.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`)).join('');
  const missing = issue.code === 'invalid_type' && issue.input === undefined;
  return { path, message: missing ? 'required' : issue.message };
}
