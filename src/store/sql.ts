import type { ComparisonRecord, DecisionRecord, OutcomeRecord } from './decision-record.ts';
import type { ColumnTypes } from './migrations.ts';

/**
 * The statements both backends share. Written with `?` placeholders; PostgreSQL numbers
 * them (`numbered`). Only the value encodings that the drivers treat differently live in
 * the dialect: node:sqlite binds no booleans, and reads JSON and timestamps back as text.
 */
export interface Dialect {
  readonly types: ColumnTypes;
  bool(value: boolean): boolean | number;
}

type Param = string | number | boolean | null;

export const REQUEST_COLUMNS = ['correlation_id', 'request', 'context', 'options', 'received_at'] as const;

export const DECISION_COLUMNS = [
  'decision_id', 'correlation_id', 'selected_agent', 'no_match_reason', 'error_code', 'routing_policy', 'confidence',
  'confidence_total', 'alternatives', 'strategy', 'experiment', 'variant', 'latency_ms', 'cache_hit', 'registry_version',
  'routing_path', 'transport', 'service_instance', 'decided_at',
] as const;

/** `(?, ?, …), (?, ?, …)` for `rows` rows of `columns` values each. */
export function valuesList(rows: number, columns: number): string {
  const row = `(${Array.from({ length: columns }, () => '?').join(', ')})`;
  return Array.from({ length: rows }, () => row).join(', ');
}

/** `?` placeholders as PostgreSQL's `$1, $2, …` (the shared SQL has no `?` inside literals). */
export function numbered(sql: string): string {
  let index = 0;
  return sql.replace(/\?/g, () => `$${++index}`);
}

export function requestParams(record: DecisionRecord): Param[] {
  return [record.correlation_id, record.request, JSON.stringify(record.context), JSON.stringify(record.options), record.received_at];
}

export function decisionParams(record: DecisionRecord, dialect: Dialect): Param[] {
  return [
    record.decision_id, record.correlation_id, record.selected_agent, record.no_match_reason, record.error_code,
    record.routing_policy, record.confidence === null ? null : JSON.stringify(record.confidence), record.confidence?.total ?? null,
    JSON.stringify(record.alternatives), record.strategy, record.experiment, record.variant, record.latency_ms,
    dialect.bool(record.cache_hit), record.registry_version, record.routing_path, record.transport, record.service_instance,
    record.decided_at,
  ];
}

/** One request row per correlation id in a batch: the earliest arrival wins. */
export function uniqueRequests(batch: readonly DecisionRecord[]): DecisionRecord[] {
  const byId = new Map<string, DecisionRecord>();
  for (const record of batch) {
    const seen = byId.get(record.correlation_id);
    if (seen === undefined || record.received_at < seen.received_at) byId.set(record.correlation_id, record);
  }
  return [...byId.values()];
}

/**
 * Inserted only when some decision has the correlation id, so that an unknown one writes
 * nothing. The casts are for PostgreSQL, which types the parameters of a SELECT list as text.
 */
export const INSERT_OUTCOME = (t: ColumnTypes) => `insert into outcomes (correlation_id, success, quality_score, note, source, recorded_at)
  select cast(? as ${t.uuid}), cast(? as ${t.bool}), cast(? as ${t.real}), ?, ?, cast(? as ${t.timestamp})
  where exists (select 1 from routing_requests where correlation_id = ?)`;

export function outcomeParams(outcome: OutcomeRecord, dialect: Dialect): Param[] {
  const recordedAt = outcome.recorded_at ?? new Date().toISOString();
  return [
    outcome.correlation_id, dialect.bool(outcome.success), outcome.quality_score ?? null, outcome.note ?? null,
    outcome.source ?? null, recordedAt, outcome.correlation_id,
  ];
}

export const INSERT_COMPARISON = `insert into comparisons
  (comparison_id, correlation_id, path_a, path_b, agent_a, agent_b, confidence_a, confidence_b, "match", time_a_ms, time_b_ms, compared_at)
  values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  on conflict do nothing`;

export function comparisonParams(comparison: ComparisonRecord, dialect: Dialect): Param[] {
  return [
    comparison.comparison_id, comparison.correlation_id, comparison.path_a, comparison.path_b, comparison.agent_a, comparison.agent_b,
    comparison.confidence_a, comparison.confidence_b, dialect.bool(comparison.match), comparison.time_a_ms,
    comparison.time_b_ms, comparison.compared_at ?? new Date().toISOString(),
  ];
}

export const SCHEMA_MIGRATIONS_TABLE = (types: ColumnTypes) => `create table if not exists schema_migrations (
  version integer primary key,
  name text not null,
  applied_at ${types.timestamp} not null
)`;
