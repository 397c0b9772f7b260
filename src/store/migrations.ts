/**
 * The schema, as ordered migrations shared by both backends. The SQL is written once; the
 * few types the dialects spell differently come from `ColumnTypes`. A migration, once
 * released, is never edited: change the schema by appending one.
 */

export interface ColumnTypes {
  readonly uuid: string;
  readonly json: string;
  readonly timestamp: string;
  readonly bool: string;
  readonly real: string;
  /** An auto-numbered primary key column, for rows that have no natural one. */
  readonly serialKey: string;
}

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: (types: ColumnTypes) => string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'decision history',
    sql: (t) => `
      create table routing_requests (
        correlation_id ${t.uuid} primary key,
        request text not null,
        context ${t.json} not null,
        options ${t.json} not null,
        received_at ${t.timestamp} not null
      );
      create table decisions (
        decision_id ${t.uuid} primary key,
        correlation_id ${t.uuid} not null,
        selected_agent text,
        no_match_reason text,
        error_code text,
        routing_policy text,
        confidence ${t.json},
        -- the selected agent's total, kept apart from the JSON so that stats aggregate it in plain SQL
        confidence_total ${t.real},
        alternatives ${t.json} not null,
        strategy text,
        experiment text,
        variant text,
        latency_ms ${t.real} not null,
        cache_hit ${t.bool} not null,
        registry_version text,
        routing_path text not null,
        transport text,
        service_instance text,
        decided_at ${t.timestamp} not null
      );
      create index decisions_by_correlation on decisions (correlation_id, decided_at);
      create index decisions_by_time on decisions (decided_at);
      create table outcomes (
        id ${t.serialKey},
        correlation_id ${t.uuid} not null,
        success ${t.bool} not null,
        quality_score ${t.real} check (quality_score between 0 and 1),
        note text,
        source text,
        recorded_at ${t.timestamp} not null
      );
      create index outcomes_by_correlation on outcomes (correlation_id, recorded_at);
      create index outcomes_by_time on outcomes (recorded_at);
      create table comparisons (
        id ${t.serialKey},
        correlation_id ${t.uuid} not null,
        path_a text not null,
        path_b text not null,
        agent_a text,
        agent_b text,
        confidence_a ${t.real},
        confidence_b ${t.real},
        "match" ${t.bool} not null,
        time_a_ms ${t.real} not null,
        time_b_ms ${t.real} not null,
        compared_at ${t.timestamp} not null
      );
      create index comparisons_by_correlation on comparisons (correlation_id, compared_at);
      create index comparisons_by_time on comparisons (compared_at);
    `,
  },
  {
    version: 2,
    name: 'comparison ids',
    // Comparisons go through the writer's spool like decisions; an id makes a replayed one land once.
    sql: (t) => `
      alter table comparisons add column comparison_id ${t.uuid};
      create unique index comparisons_by_id on comparisons (comparison_id);
    `,
  },
];

export const LATEST_VERSION = MIGRATIONS.at(-1)?.version ?? 0;

export interface AppliedMigration {
  version: number;
  name: string;
  applied_at: string;
}

/** Where a store's schema stands: what `switchboard db status` prints, the same for every backend. */
export interface StoreStatus {
  backend: 'postgres' | 'sqlite';
  location: string;
  version: number;
  latest_version: number;
  applied: AppliedMigration[];
  pending: { version: number; name: string }[];
}

/** The migrations not yet applied, in order. */
export function pendingMigrations(applied: readonly AppliedMigration[]): Migration[] {
  const done = new Set(applied.map((migration) => migration.version));
  return MIGRATIONS.filter((migration) => !done.has(migration.version));
}

/** A store's status from the migrations it has applied: the same report for every backend. */
export function statusOf(backend: StoreStatus['backend'], location: string, applied: AppliedMigration[]): StoreStatus {
  return {
    backend,
    location,
    version: applied.at(-1)?.version ?? 0,
    latest_version: LATEST_VERSION,
    applied,
    pending: pendingMigrations(applied).map(({ version, name }) => ({ version, name })),
  };
}
