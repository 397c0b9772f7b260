import type { DecisionReporter } from '../client/decision-report.ts';
import type { RoutingDecisionEvent } from '../contracts/events.ts';

/**
 * A one-shot command's local decisions (`route`, `request`, `hook`), held until it has answered and
 * then written to the decision history when a database is configured (`--db` or
 * DATABASE_URL): the store is opened only when there is something to record.
 */
export class LocalDecisions implements DecisionReporter {
  readonly #events: RoutingDecisionEvent[] = [];

  report(event: RoutingDecisionEvent): void {
    this.#events.push(event);
  }

  /** Writes them (or spools them, with the database away); returns where, or undefined when nothing was written. */
  async record(db: string | undefined): Promise<string | undefined> {
    if (this.#events.length === 0 || !(db || process.env.DATABASE_URL)) return undefined;
    const { StoreDecisionReporter } = await import('../client/store-reporter.ts');
    const reporter = await StoreDecisionReporter.open(db);
    try {
      for (const event of this.#events) reporter.report(event);
    } finally {
      await reporter.close();
    }
    return reporter.location;
  }
}
