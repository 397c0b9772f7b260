import { createHash } from 'node:crypto';
import type { HistoricalScores } from './strategy.ts';

/** Recorded outcomes as seen by one decision; a new version invalidates cached decisions. */
export interface HistorySnapshot {
  readonly version: string;
  readonly score: HistoricalScores;
}

/** One agent's recorded outcomes, as counted over the history window. */
export interface OutcomeCounts {
  readonly agent: string;
  readonly successes: number;
  readonly failures: number;
}

export const NO_HISTORY: HistorySnapshot = { version: 'none', score: () => undefined };

/**
 * How outcomes become a `historical_score`. The score is the mean of a Beta posterior: a
 * Beta(5, 5) prior is ten imagined outcomes at 50 %, so that a few real ones barely move it.
 * Only an agent's most recent `perAgent` outcomes of the last `days` count: the window keeps
 * the score current and bounds it, at (5 + 100) / (10 + 100) ≈ 0.955 for an agent that never
 * fails and ≈ 0.045 for one that always does, however many outcomes are recorded.
 */
export const HISTORY_POLICY = { priorSuccesses: 5, priorFailures: 5, perAgent: 100, days: 30 } as const;

export type HistoryPolicy = typeof HISTORY_POLICY;

/**
 * The posterior mean success rate of one agent's counts. Counts over the window's size
 * (the store already keeps to it) weigh as that many outcomes at the same rate.
 */
export function historicalScore(counts: Pick<OutcomeCounts, 'successes' | 'failures'>, policy: HistoryPolicy = HISTORY_POLICY): number {
  const n = counts.successes + counts.failures;
  const successes = n > policy.perAgent ? (counts.successes * policy.perAgent) / n : counts.successes;
  return (successes + policy.priorSuccesses) / (Math.min(n, policy.perAgent) + policy.priorSuccesses + policy.priorFailures);
}

/**
 * A snapshot of per-agent scores. Its version is a hash of the counts, so that the same
 * outcomes always give the same version (and the same cached decisions), whoever computes it.
 */
export function historySnapshot(counts: readonly OutcomeCounts[], policy: HistoryPolicy = HISTORY_POLICY): HistorySnapshot {
  if (counts.length === 0) return NO_HISTORY;
  const sorted = [...counts].sort((a, b) => (a.agent < b.agent ? -1 : a.agent > b.agent ? 1 : 0));
  const scores = new Map(sorted.map((entry) => [entry.agent, historicalScore(entry, policy)]));
  const hash = createHash('sha256');
  for (const { agent, successes, failures } of sorted) hash.update(`${agent}\u0000${successes}\u0000${failures}\n`);
  return { version: `h-${hash.digest('hex').slice(0, 16)}`, score: (agent) => scores.get(agent) };
}
