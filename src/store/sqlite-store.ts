import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { checkOutcome, type ComparisonRecord, type DecisionRecord, type OutcomeRecord } from './decision-record.ts';
import type {
  AgentOutcomes, DecisionStore, ExperimentDecision, RecordedRequest, RecordedRequestCursor, ServedRequest, Stats, Trace,
} from './decision-store.ts';
import { MIGRATIONS, statusOf, type AppliedMigration, type StoreStatus } from './migrations.ts';
import { readAgentOutcomes, readExperimentDecisions, readRecordedRequests, readServedRequests, readStats, readTrace } from './read-model.ts';
import {
  comparisonParams, DECISION_COLUMNS, decisionParams, INSERT_COMPARISON, INSERT_OUTCOME, outcomeParams, REQUEST_COLUMNS,
  requestParams, SCHEMA_MIGRATIONS_TABLE, uniqueRequests, valuesList, type Dialect,
} from './sql.ts';
import { StoreUnavailableError } from './store-errors.ts';

const DIALECT: Dialect = {
  types: { uuid: 'text', json: 'text', timestamp: 'text', bool: 'integer', real: 'real', serialKey: 'integer primary key' },
  bool: (value) => (value ? 1 : 0),
};

/** Rows per multi-row insert: 19 decision columns × 500 stays far below SQLite's 32,766 parameters. */
const CHUNK = 500;

/**
 * The embedded store: one SQLite file through Node's built-in `node:sqlite`, no dependency.
 * Its calls are synchronous; a 500-row batch takes about a millisecond, which the writer's
 * loop can afford between requests.
 */
export class SqliteStore implements DecisionStore {
  readonly backend = 'sqlite';
  readonly location: string;
  readonly #db: DatabaseSync;
  readonly #statements = new Map<string, StatementSync>();

  constructor(file: string) {
    this.location = file;
    if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
    this.#db = new DatabaseSync(file);
    // WAL lets `trace` read while a service writes; a lock held by another process is waited for, not failed.
    this.#db.exec('pragma journal_mode = wal; pragma synchronous = normal; pragma busy_timeout = 5000;');
  }

  async migrate(): Promise<StoreStatus> {
    this.#db.exec(SCHEMA_MIGRATIONS_TABLE(DIALECT.types));
    for (const migration of MIGRATIONS) {
      // IMMEDIATE takes the write lock first, so two processes never apply the same migration.
      this.#transaction('begin immediate', () => {
        if (this.#prepare('select 1 from schema_migrations where version = ?').get(migration.version) !== undefined) return;
        this.#db.exec(migration.sql(DIALECT.types));
        this.#prepare('insert into schema_migrations (version, name, applied_at) values (?, ?, ?)').run(
          migration.version, migration.name, new Date().toISOString(),
        );
      });
    }
    return this.status();
  }

  async status(): Promise<StoreStatus> {
    const exists = this.#prepare("select 1 from sqlite_master where type = 'table' and name = 'schema_migrations'").get();
    const applied = exists === undefined ? [] : (this.#prepare('select version, name, applied_at from schema_migrations order by version').all() as unknown as AppliedMigration[]);
    return statusOf(this.backend, this.location, applied);
  }

  async writeDecisions(batch: readonly DecisionRecord[]): Promise<number> {
    let inserted = 0;
    this.#transaction('begin', () => {
      const requests = uniqueRequests(batch);
      for (let start = 0; start < requests.length; start += CHUNK) {
        const rows = requests.slice(start, start + CHUNK);
        this.#insert('routing_requests', REQUEST_COLUMNS, rows.length).run(...(rows.flatMap(requestParams) as SQLInputValue[]));
      }
      for (let start = 0; start < batch.length; start += CHUNK) {
        const rows = batch.slice(start, start + CHUNK);
        // DIALECT.bool has turned every boolean into 0/1, so these are all values SQLite binds.
        const params = rows.flatMap((record) => decisionParams(record, DIALECT)) as SQLInputValue[];
        inserted += Number(this.#insert('decisions', DECISION_COLUMNS, rows.length).run(...params).changes);
      }
    });
    return inserted;
  }

  async writeOutcome(outcome: OutcomeRecord): Promise<boolean> {
    checkOutcome(outcome);
    return this.#run(INSERT_OUTCOME(DIALECT.types), outcomeParams({ ...outcome, correlation_id: outcome.correlation_id.toLowerCase() }, DIALECT)) > 0;
  }

  async writeComparison(comparison: ComparisonRecord): Promise<void> {
    this.#run(INSERT_COMPARISON, comparisonParams(comparison, DIALECT));
  }

  async trace(correlationId: string): Promise<Trace | null> {
    return readTrace(async (sql, params) => this.#prepare(sql).all(...params) as Record<string, unknown>[], correlationId);
  }

  async stats({ since }: { since: Date }): Promise<Stats> {
    return readStats(async (sql, params) => this.#prepare(sql).all(...params) as Record<string, unknown>[], since);
  }

  async agentOutcomes({ since, perAgent }: { since: Date; perAgent: number }): Promise<AgentOutcomes[]> {
    return readAgentOutcomes(async (sql, params) => this.#prepare(sql).all(...params) as Record<string, unknown>[], since, perAgent);
  }

  async servedRequests({ afterId, since, limit }: { afterId: number; since: Date; limit: number }): Promise<ServedRequest[]> {
    return readServedRequests(async (sql, params) => this.#prepare(sql).all(...params) as Record<string, unknown>[], afterId, since, limit);
  }

  async experimentDecisions({ since, experiment }: { since: Date; experiment: string }): Promise<ExperimentDecision[]> {
    return readExperimentDecisions(async (sql, params) => this.#prepare(sql).all(...params) as Record<string, unknown>[], since, experiment);
  }

  async recordedRequests({ since, limit, afterCursor }: { since: Date; limit: number; afterCursor?: RecordedRequestCursor }): Promise<RecordedRequest[]> {
    return readRecordedRequests(async (sql, params) => this.#prepare(sql).all(...params) as Record<string, unknown>[], since, limit, afterCursor);
  }

  async close(): Promise<void> {
    if (this.#db.isOpen) this.#db.close();
  }

  #insert(table: string, columns: readonly string[], rows: number): StatementSync {
    return this.#prepare(`insert or ignore into ${table} (${columns.join(', ')}) values ${valuesList(rows, columns.length)}`);
  }

  #run(sql: string, params: (string | number | null | boolean)[]): number {
    return Number(this.#prepare(sql).run(...(params as SQLInputValue[])).changes);
  }

  /** Statements are cached by text: a batch of the usual size is parsed once per process. */
  #prepare(sql: string): StatementSync {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  #transaction(begin: string, body: () => void): void {
    try {
      this.#db.exec(begin);
    } catch (error) {
      // The only way `begin` fails is a lock held past busy_timeout: someone else is writing.
      throw new StoreUnavailableError(this.location, error);
    }
    try {
      body();
      this.#db.exec('commit');
    } catch (error) {
      this.#db.exec('rollback');
      throw error;
    }
  }
}
