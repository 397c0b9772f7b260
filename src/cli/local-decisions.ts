import type { DecisionReporter, LocalDecision } from '../client/decision-report.ts';

/**
 * A one-shot command's local decisions (`route`, `request`, `hook`), held until it has answered and
 * then written to the decision history when a database is configured (`--db` or
 * DATABASE_URL): the store is opened only when there is something to record.
 */
export class LocalDecisions implements DecisionReporter {
  readonly #decisions: LocalDecision[] = [];

  report(decision: LocalDecision): void {
    this.#decisions.push(decision);
  }

  /** Writes them (or spools them, with the database away); returns where, or undefined when nothing was written. */
  async record(db: string | undefined): Promise<string | undefined> {
    if (this.#decisions.length === 0 || !(db || process.env.DATABASE_URL)) return undefined;
    const { StoreDecisionReporter } = await import('../client/store-reporter.ts');
    const reporter = await StoreDecisionReporter.open(db);
    try {
      for (const decision of this.#decisions) reporter.report(decision);
    } finally {
      await reporter.close();
    }
    return reporter.location;
  }
}
