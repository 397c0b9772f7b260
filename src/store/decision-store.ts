import type { DecisionRow } from '../experiments/report.ts';
import type { RoutingContext, RoutingOptions } from '../contracts/routing.ts';
import type { ComparisonRecord, DecisionRecord, OutcomeRecord } from './decision-record.ts';
import type { StoreStatus } from './migrations.ts';

/**
 * The decision history (SPEC §5), one contract for both backends: PostgreSQL
 * (src/store/postgres-store.ts) and the embedded SQLite file (src/store/sqlite-store.ts).
 * test/store/store-contract.ts runs the same tests against each.
 *
 * Rules every implementation keeps:
 * - every value reaches SQL as a bound parameter, never as text spliced into a statement;
 * - `writeDecisions` is idempotent on `decision_id`: a replayed batch adds nothing twice;
 * - errors that mean "the database is not there right now" are thrown as `StoreUnavailableError`
 *   (src/store/store-errors.ts), so that the writer spools instead of dropping;
 * - timestamps come back as ISO-8601 UTC strings, JSON columns as parsed values.
 */
export interface DecisionStore {
  readonly backend: 'postgres' | 'sqlite';
  /** Where the data lives, safe to print (no password). */
  readonly location: string;
  /** Applies the pending migrations, in order, each in its own transaction; safe to run concurrently. */
  migrate(): Promise<StoreStatus>;
  status(): Promise<StoreStatus>;
  /** Multi-row inserts, also of each decision's request; returns how many decisions were new. */
  writeDecisions(batch: readonly DecisionRecord[]): Promise<number>;
  /** false, and nothing written, when no decision has this correlation id. */
  writeOutcome(outcome: OutcomeRecord): Promise<boolean>;
  writeComparison(comparison: ComparisonRecord): Promise<void>;
  /** One request's whole lifecycle, in time order; null when the correlation id is unknown. */
  trace(correlationId: string): Promise<Trace | null>;
  stats(query: { since: Date }): Promise<Stats>;
  /** Success and failure counts per agent: each agent's `perAgent` most recent outcomes since `since`. */
  agentOutcomes(query: { since: Date; perAgent: number }): Promise<AgentOutcomes[]>;
  /** Requests whose outcome was a success, recorded since `since` and after outcome id `afterId`, oldest first: labelled examples. */
  servedRequests(query: { afterId: number; since: Date; limit: number }): Promise<ServedRequest[]>;
  /** Decisions (not failures) made in an experiment since `since`, each with its latest outcome: the experiment report's input. */
  experimentDecisions(query: { since: Date; experiment: string }): Promise<ExperimentDecision[]>;
  /**
   * Requests with the first decision each got since `since`, in decision order, a page at a
   * time: pass the last row of a page as the next `afterCursor`. What `replay` re-runs.
   */
  recordedRequests(query: { since: Date; limit: number; afterCursor?: RecordedRequestCursor }): Promise<RecordedRequest[]>;
  close(): Promise<void>;
}

export interface Trace {
  correlation_id: string;
  request: { user_request: string; context: Record<string, string>; options: Record<string, unknown>; received_at: string } | null;
  decisions: Omit<DecisionRecord, 'correlation_id' | 'request' | 'context' | 'options' | 'received_at'>[];
  outcomes: Required<Omit<OutcomeRecord, 'correlation_id'>>[];
  comparisons: Required<Omit<ComparisonRecord, 'correlation_id' | 'comparison_id'>>[];
}

export interface Stats {
  since: string;
  decisions: number;
  /** Rates are null when there is nothing to divide by. */
  no_match_rate: number | null;
  cache_hit_rate: number | null;
  latency_ms: { p50: number | null; p95: number | null; p99: number | null };
  by_agent: { agent: string; decisions: number; mean_confidence: number | null; outcomes: number; success_rate: number | null }[];
  by_path: Record<string, number>;
  /**
   * Side-by-side runs: all of them, and by what ran second (`path_b`: `shadow:S` in the
   * service, `replay:S` from `replay --record`), whose match rates mean different things.
   */
  comparisons: { n: number; match_rate: number | null; by_path_b: Record<string, { n: number; match_rate: number | null }> };
}

export interface AgentOutcomes {
  agent: string;
  successes: number;
  failures: number;
}

export interface ServedRequest {
  /** A cursor: pass the last one seen as the next `afterId`. */
  outcome_id: number;
  request: string;
  agent: string;
}

/** An experiment's decision as its report reads it (src/experiments/report.ts). */
export type ExperimentDecision = DecisionRow;

export interface RecordedRequest {
  correlation_id: string;
  request: { user_request: string; context: RoutingContext; options: RoutingOptions };
  /** Of the request's first decision since `since`: */
  selected_agent: string | null;
  /** The selected agent's total; null when none was selected. */
  confidence: number | null;
  strategy: string | null;
  error_code: string | null;
  latency_ms: number;
  decided_at: string;
}

export type RecordedRequestCursor = Pick<RecordedRequest, 'decided_at' | 'correlation_id'>;
