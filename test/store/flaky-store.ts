import type { DecisionRecord } from '../../src/store/decision-record.ts';
import type { DecisionStore } from '../../src/store/decision-store.ts';
import { StoreUnavailableError } from '../../src/store/store-errors.ts';

/**
 * A store in front of a real one that a test can take "down", and that logs the order in
 * which decision ids reached the database.
 */
export class FlakyStore implements DecisionStore {
  readonly inner: DecisionStore;
  down = false;
  /** Decision ids whose writes this rejects as bad rows (not an outage). */
  readonly poison = new Set<string>();
  readonly writes: string[] = [];

  constructor(inner: DecisionStore) {
    this.inner = inner;
  }

  get backend() {
    return this.inner.backend;
  }
  get location() {
    return this.inner.location;
  }

  async writeDecisions(batch: readonly DecisionRecord[]): Promise<number> {
    if (this.down) throw new StoreUnavailableError(this.location, new Error('down for the test'));
    if (batch.some((record) => this.poison.has(record.decision_id))) throw new Error('bad row for the test');
    const inserted = await this.inner.writeDecisions(batch);
    this.writes.push(...batch.map((record) => record.decision_id));
    return inserted;
  }

  migrate = () => this.inner.migrate();
  status = () => this.inner.status();
  writeOutcome: DecisionStore['writeOutcome'] = (outcome) => this.inner.writeOutcome(outcome);
  writeComparison: DecisionStore['writeComparison'] = async (comparison) => {
    if (this.down) throw new StoreUnavailableError(this.location, new Error('down for the test'));
    return this.inner.writeComparison(comparison);
  };
  trace: DecisionStore['trace'] = (id) => this.inner.trace(id);
  stats: DecisionStore['stats'] = (query) => this.inner.stats(query);
  agentOutcomes: DecisionStore['agentOutcomes'] = (query) => this.inner.agentOutcomes(query);
  servedRequests: DecisionStore['servedRequests'] = (query) => this.inner.servedRequests(query);
  experimentDecisions: DecisionStore['experimentDecisions'] = (query) => this.inner.experimentDecisions(query);
  recordedRequests: DecisionStore['recordedRequests'] = (query) => this.inner.recordedRequests(query);
  close = () => this.inner.close();
}
