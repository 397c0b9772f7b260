import pg from 'pg';
import { checkOutcome, type ComparisonRecord, type DecisionRecord, type OutcomeRecord } from './decision-record.ts';
import type {
  AgentOutcomes, DecisionStore, ExperimentDecision, RecordedRequest, RecordedRequestCursor, ServedRequest, Stats, Trace,
} from './decision-store.ts';
import { MIGRATIONS, statusOf, type AppliedMigration, type StoreStatus } from './migrations.ts';
import { readAgentOutcomes, readExperimentDecisions, readRecordedRequests, readServedRequests, readStats, readTrace, type Query } from './read-model.ts';
import {
  comparisonParams, DECISION_COLUMNS, decisionParams, INSERT_COMPARISON, INSERT_OUTCOME, numbered, outcomeParams,
  REQUEST_COLUMNS, requestParams, SCHEMA_MIGRATIONS_TABLE, uniqueRequests, valuesList, type Dialect,
} from './sql.ts';
import { isPostgresUnavailable, StoreUnavailableError } from './store-errors.ts';

const DIALECT: Dialect = {
  types: {
    uuid: 'uuid', json: 'jsonb', timestamp: 'timestamptz', bool: 'boolean', real: 'double precision',
    serialKey: 'bigint generated always as identity primary key',
  },
  bool: (value) => value,
};

/** Rows per statement: (5 + 19) parameters × 1,000 stays below PostgreSQL's 65,535 per statement. */
const CHUNK = 1_000;
/** Any number that is ours alone: the advisory lock that serialises concurrent `migrate` runs. */
const MIGRATION_LOCK = 0x5b_d3c1;

/** The URL without its password, for messages and `status`. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

/** The production store: PostgreSQL through node-postgres, a small pool, every value a bound parameter. */
export class PostgresStore implements DecisionStore {
  readonly backend = 'postgres';
  readonly location: string;
  readonly #pool: pg.Pool;

  constructor(url: string, options: { poolSize?: number; connectTimeoutMs?: number; queryTimeoutMs?: number } = {}) {
    this.location = redactUrl(url);
    this.#pool = new pg.Pool({
      connectionString: url,
      max: options.poolSize ?? 4,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
      // A half-open connection must fail the batch (and so spool it) rather than hang the writer.
      query_timeout: options.queryTimeoutMs ?? 30_000,
      application_name: 'switchboard',
    });
    // An idle client losing its server is expected during an outage; the next query reports it.
    this.#pool.on('error', () => {});
  }

  async migrate(): Promise<StoreStatus> {
    await this.#withClient(async (client) => {
      for (const migration of MIGRATIONS) {
        await client.query('begin');
        try {
          // Held until commit: a second `migrate` waits here, then sees the version applied.
          await client.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
          await client.query(SCHEMA_MIGRATIONS_TABLE(DIALECT.types));
          const done = await client.query('select 1 from schema_migrations where version = $1', [migration.version]);
          if (done.rowCount === 0) {
            await client.query(migration.sql(DIALECT.types));
            await client.query('insert into schema_migrations (version, name, applied_at) values ($1, $2, now())', [migration.version, migration.name]);
          }
          await client.query('commit');
        } catch (error) {
          await client.query('rollback').catch(() => {});
          throw error;
        }
      }
    });
    return this.status();
  }

  async status(): Promise<StoreStatus> {
    const [{ exists }] = await this.#rows("select to_regclass('schema_migrations') is not null as exists", []);
    const rows = exists ? await this.#rows('select version, name, applied_at from schema_migrations order by version', []) : [];
    const applied: AppliedMigration[] = rows.map((row) => ({
      version: Number(row.version),
      name: String(row.name),
      applied_at: (row.applied_at as Date).toISOString(),
    }));
    return statusOf(this.backend, this.location, applied);
  }

  async writeDecisions(batch: readonly DecisionRecord[]): Promise<number> {
    if (batch.length === 0) return 0;
    let inserted = 0;
    await this.#withClient(async (client) => {
      await client.query('begin');
      try {
        const requests = uniqueRequests(batch);
        for (let start = 0; start < requests.length; start += CHUNK) {
          const rows = requests.slice(start, start + CHUNK);
          await client.query(this.#insert('routing_requests', REQUEST_COLUMNS, rows.length), rows.flatMap(requestParams));
        }
        for (let start = 0; start < batch.length; start += CHUNK) {
          const rows = batch.slice(start, start + CHUNK);
          const result = await client.query(
            this.#insert('decisions', DECISION_COLUMNS, rows.length),
            rows.flatMap((record) => decisionParams(record, DIALECT)),
          );
          inserted += result.rowCount ?? 0;
        }
        await client.query('commit');
      } catch (error) {
        await client.query('rollback').catch(() => {});
        throw error;
      }
    });
    return inserted;
  }

  async writeOutcome(outcome: OutcomeRecord): Promise<boolean> {
    checkOutcome(outcome);
    const result = await this.#query(numbered(INSERT_OUTCOME(DIALECT.types)), outcomeParams(outcome, DIALECT));
    return (result.rowCount ?? 0) > 0;
  }

  async writeComparison(comparison: ComparisonRecord): Promise<void> {
    await this.#query(numbered(INSERT_COMPARISON), comparisonParams(comparison, DIALECT));
  }

  async trace(correlationId: string): Promise<Trace | null> {
    return readTrace(this.#rows, correlationId);
  }

  async stats({ since }: { since: Date }): Promise<Stats> {
    return readStats(this.#rows, since);
  }

  async agentOutcomes({ since, perAgent }: { since: Date; perAgent: number }): Promise<AgentOutcomes[]> {
    return readAgentOutcomes(this.#rows, since, perAgent);
  }

  async servedRequests({ afterId, since, limit }: { afterId: number; since: Date; limit: number }): Promise<ServedRequest[]> {
    return readServedRequests(this.#rows, afterId, since, limit);
  }

  async experimentDecisions({ since, experiment }: { since: Date; experiment: string }): Promise<ExperimentDecision[]> {
    return readExperimentDecisions(this.#rows, since, experiment);
  }

  async recordedRequests({ since, limit, afterCursor }: { since: Date; limit: number; afterCursor?: RecordedRequestCursor }): Promise<RecordedRequest[]> {
    return readRecordedRequests(this.#rows, since, limit, afterCursor);
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }

  #insert(table: string, columns: readonly string[], rows: number): string {
    return numbered(`insert into ${table} (${columns.join(', ')}) values ${valuesList(rows, columns.length)} on conflict do nothing`);
  }

  readonly #rows: Query = async (sql, params) => (await this.#query(numbered(sql), params)).rows;

  async #query(sql: string, params: readonly unknown[]): Promise<pg.QueryResult> {
    try {
      return await this.#pool.query(sql, params as unknown[]);
    } catch (error) {
      throw isPostgresUnavailable(error) ? new StoreUnavailableError(this.location, error) : error;
    }
  }

  async #withClient(body: (client: pg.PoolClient) => Promise<void>): Promise<void> {
    let client: pg.PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (error) {
      throw isPostgresUnavailable(error) ? new StoreUnavailableError(this.location, error) : error;
    }
    // A socket error between two queries of a transaction is emitted, not thrown: note it here
    // (unheard, it would crash the process); the next query then fails and reports it.
    const onError = () => {};
    client.on('error', onError);
    let broken: unknown;
    try {
      await body(client);
    } catch (error) {
      broken = error;
      throw isPostgresUnavailable(error) ? new StoreUnavailableError(this.location, error) : error;
    } finally {
      client.off('error', onError);
      // A client whose connection failed is discarded instead of going back to the pool.
      client.release(broken !== undefined && isPostgresUnavailable(broken) ? (broken as Error) : undefined);
    }
  }
}
