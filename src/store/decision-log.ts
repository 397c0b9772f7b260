import { SwitchboardError } from '../errors.ts';
import { checkOutcome, type ComparisonRecord, type DecisionRecord, type OutcomeRecord } from './decision-record.ts';
import type { DecisionStore } from './decision-store.ts';
import { DecisionWriter, type WriterLogger, type WriterMetrics } from './decision-writer.ts';
import { openStore, type StoreLocation } from './open-store.ts';
import { claimSpoolSlot, type SpoolSlot } from './spool-slot.ts';
import { StoreUnavailableError } from './store-errors.ts';

export interface DecisionLogOptions {
  readonly location: StoreLocation;
  /** Where the writer's spool lives (the data folder). */
  readonly spoolDir: string;
  readonly logger?: WriterLogger;
}

/** How long an outcome waits for its decision to be written before it is called unknown. */
const OUTCOME_SETTLE_MS = 2_000;

/**
 * A process's way to record decisions and outcomes (SPEC §5): the store, its background
 * writer, and a spool slot of this process's own. Recording never waits for the database,
 * and a database that is down when the log opens only delays the writes: the schema is
 * brought up to date before the first one.
 */
export class DecisionLog {
  readonly store: DecisionStore;
  readonly #writer: DecisionWriter;
  readonly #slot: SpoolSlot;
  #schema: Promise<void> | undefined;

  static async open(options: DecisionLogOptions): Promise<DecisionLog> {
    const store = await openStore(options.location);
    let slot: SpoolSlot;
    try {
      slot = claimSpoolSlot(options.spoolDir);
    } catch (error) {
      await store.close();
      throw error;
    }
    const log = new DecisionLog(store, slot, options.logger);
    try {
      await log.ensureSchema();
    } catch (error) {
      options.logger?.warn({ err: error }, `decision store ${log.store.location} not ready: decisions are spooled until it is`);
    }
    return log;
  }

  private constructor(store: DecisionStore, slot: SpoolSlot, logger: WriterLogger | undefined) {
    this.store = store;
    this.#slot = slot;
    this.#writer = new DecisionWriter({
      store: {
        writeDecisions: async (batch) => {
          await this.#schemaForRows();
          return this.store.writeDecisions(batch);
        },
        writeComparison: async (comparison) => {
          await this.#schemaForRows();
          return this.store.writeComparison(comparison);
        },
      },
      spoolFile: slot.file,
      logger,
    });
  }

  /** Queues a decision; never blocks, never throws. */
  record(decision: DecisionRecord): void {
    this.#writer.record(decision);
  }

  /** Queues a comparison, kept like a decision (spooled while the database is away). */
  recordComparison(comparison: ComparisonRecord): void {
    this.#writer.record({ comparison });
  }

  /**
   * Records an outcome. Throws INVALID_REQUEST for a bad one, UNKNOWN_CORRELATION_ID when no
   * decision has its id (after waiting briefly for one still on its way to the store),
   * SERVICE_UNAVAILABLE when the database is away.
   */
  async recordOutcome(outcome: OutcomeRecord): Promise<void> {
    checkOutcome(outcome);
    await this.ensureSchema();
    if (await this.store.writeOutcome(outcome)) return;
    // Its decision may still be on its way: wait for what was recorded before now, then look again.
    await this.#writer.settled(OUTCOME_SETTLE_MS);
    if (await this.store.writeOutcome(outcome)) return;
    throw new SwitchboardError('UNKNOWN_CORRELATION_ID', `no decision has correlation id ${outcome.correlation_id}`);
  }

  writerMetrics(): WriterMetrics {
    return this.#writer.metrics();
  }

  /**
   * Applies pending migrations once (again after a failure); a schema already current is only
   * read, so that a role allowed to write rows but not to create tables can record.
   */
  ensureSchema(): Promise<void> {
    this.#schema ??= this.store.status().then(async (status) => {
      if (status.pending.length > 0) await this.store.migrate();
    }).then(
      () => undefined,
      (error: unknown) => {
        this.#schema = undefined;
        throw error;
      },
    );
    return this.#schema;
  }

  /** A schema that cannot be made ready now says nothing about the rows: keep them (spool), do not reject them. */
  async #schemaForRows(): Promise<void> {
    await this.ensureSchema().catch((error: unknown) => {
      throw error instanceof StoreUnavailableError ? error : new StoreUnavailableError(this.store.location, error);
    });
  }

  /** Writes what is queued (or spools it when the database is away), then closes the store. */
  async close(): Promise<void> {
    await this.#writer.close();
    await this.store.close();
    this.#slot.release();
  }
}
