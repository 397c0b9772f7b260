import { toDecisionRecord } from '../store/decision-record.ts';
import { DecisionLog } from '../store/decision-log.ts';
import path from 'node:path';
import { cacheDirectory } from '../registry/parse-cache.ts';
import { storeLocation } from '../store/open-store.ts';
import { localDecisionEvent, type DecisionReporter, type LocalDecision } from './decision-report.ts';

/**
 * Writes a client's decisions straight to the decision store, through the same background
 * writer and disk spool as the service: for processes without a bus to publish them on (the
 * CLI, the Claude Code hook) when a database is configured.
 */
export class StoreDecisionReporter implements DecisionReporter, AsyncDisposable {
  readonly #log: DecisionLog;

  /** `db`: as `--db` (a postgres:// URL or a SQLite file); unset: DATABASE_URL, else the embedded store. */
  static async open(db: string | undefined): Promise<StoreDecisionReporter> {
    // A one-shot command runs anywhere (the hook: in the user's project): its spool goes to the
    // user's cache unless a data folder is set, and is found there by the next run.
    const spoolDir = process.env.SWITCHBOARD_DATA_DIR || path.join(cacheDirectory(), 'spool');
    return new StoreDecisionReporter(await DecisionLog.open({ location: storeLocation(db), spoolDir }));
  }

  private constructor(log: DecisionLog) {
    this.#log = log;
  }

  get location(): string {
    return this.#log.store.location;
  }

  report(decision: LocalDecision): void {
    this.#log.record(toDecisionRecord(localDecisionEvent(decision)));
  }

  /** Writes what was reported, or leaves it in the spool when the database is away. */
  close(): Promise<void> {
    return this.#log.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
