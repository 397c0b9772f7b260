import { MAX_FEEDBACK_NOTE_CHARS, type RoutingDecisionEvent } from '../contracts/events.ts';
import type { ConfidenceBreakdown, RoutingContext, RoutingOptions } from '../contracts/routing.ts';
import { SwitchboardError } from '../errors.ts';

/**
 * What the history keeps of one decision: the request it answered and how it was decided.
 * Built from the `agent.routing.decision.v1` event (SPEC §3), which every path already
 * makes, so that the store sees exactly what the event stream sees. Timestamps are ISO-8601
 * UTC strings (`Date#toISOString`): they sort as text, which the SQLite store relies on.
 */
export interface DecisionRecord {
  /** Primary key; a replayed or redelivered decision keeps it, so writes are idempotent on it. */
  decision_id: string;
  correlation_id: string;
  request: string;
  context: RoutingContext;
  options: RoutingOptions;
  received_at: string;
  /** null for a no-match (with `no_match_reason`) or a failure (with `error_code`). */
  selected_agent: string | null;
  no_match_reason: string | null;
  error_code: string | null;
  routing_policy: string | null;
  /** The selected agent's breakdown; null when none was selected. */
  confidence: ConfidenceBreakdown | null;
  /** The other recommendations, best first. */
  alternatives: Alternative[];
  strategy: string | null;
  experiment: string | null;
  variant: string | null;
  latency_ms: number;
  cache_hit: boolean;
  registry_version: string | null;
  routing_path: string;
  transport: string | null;
  service_instance: string | null;
  decided_at: string;
}

export interface Alternative {
  agent_name: string;
  confidence: ConfidenceBreakdown;
  reason: string;
}

export interface OutcomeRecord {
  correlation_id: string;
  success: boolean;
  /** 0..1 */
  quality_score?: number | null;
  note?: string | null;
  source?: string | null;
  recorded_at?: string;
}

/** Two decisions for one request (a shadow run): which paths, which agents, did they agree. */
export interface ComparisonRecord {
  /** Writes are idempotent on it: a comparison replayed from the spool lands once. */
  comparison_id: string;
  correlation_id: string;
  path_a: string;
  path_b: string;
  agent_a: string | null;
  agent_b: string | null;
  confidence_a: number | null;
  confidence_b: number | null;
  match: boolean;
  time_a_ms: number;
  time_b_ms: number;
  compared_at?: string;
}

/** A row of the history's background writer: a decision, or a comparison of two decisions of one request. */
export type HistoryRow = DecisionRecord | { readonly comparison: ComparisonRecord };

export function isComparison(row: HistoryRow): row is { readonly comparison: ComparisonRecord } {
  return 'comparison' in row;
}

/** The record of a decision event; the event id becomes the decision id. */
export function toDecisionRecord(event: RoutingDecisionEvent): DecisionRecord {
  const { payload } = event;
  const decidedAt = new Date(event.timestamp);
  const result = payload.outcome === 'completed' ? payload.result : undefined;
  const selected = result?.recommendations.find((recommendation) => recommendation.agent_name === result.selected_agent);
  return {
    decision_id: event.event_id,
    correlation_id: event.correlation_id,
    request: payload.request.user_request,
    context: payload.request.context ?? {},
    options: payload.request.options ?? {},
    // The event carries the decision time and the latency the decider saw; arrival is the difference.
    received_at: new Date(decidedAt.getTime() - payload.latency_ms).toISOString(),
    selected_agent: result?.selected_agent ?? null,
    no_match_reason: result?.reason ?? null,
    error_code: payload.outcome === 'failed' ? payload.error.error_code : null,
    routing_policy: result?.routing_policy ?? null,
    confidence: selected?.confidence ?? null,
    alternatives: (result?.recommendations ?? [])
      .filter((recommendation) => recommendation !== selected)
      .map(({ agent_name, confidence, reason }) => ({ agent_name, confidence, reason })),
    strategy: result?.routing_metadata.routing_strategy ?? payload.request.options?.routing_strategy ?? null,
    experiment: payload.experiment ?? null,
    variant: payload.variant ?? null,
    latency_ms: payload.latency_ms,
    cache_hit: result?.routing_metadata.cache_hit ?? false,
    registry_version: result?.routing_metadata.registry_version ?? null,
    routing_path: payload.routing_path,
    transport: payload.transport ?? null,
    service_instance: payload.instance ?? null,
    decided_at: decidedAt.toISOString(),
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** Bad feedback is the caller's mistake (INVALID_REQUEST), caught before it reaches SQL. */
export function checkOutcome(outcome: OutcomeRecord): void {
  const problem = !isUuid(outcome.correlation_id)
    ? `correlation_id must be a UUID, got '${outcome.correlation_id.slice(0, 100)}'`
    : typeof outcome.success !== 'boolean'
      ? 'success must be true or false'
      : outcome.quality_score != null && !(outcome.quality_score >= 0 && outcome.quality_score <= 1)
        ? `quality_score must be in 0..1, got ${outcome.quality_score}`
        : outcome.note != null && outcome.note.length > MAX_FEEDBACK_NOTE_CHARS
          ? `note is ${outcome.note.length} characters, at most ${MAX_FEEDBACK_NOTE_CHARS} allowed`
          : undefined;
  if (problem !== undefined) throw new SwitchboardError('INVALID_REQUEST', `outcome: ${problem}`);
}
