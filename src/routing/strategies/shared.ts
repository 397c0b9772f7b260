/** Scoring conventions every strategy follows, so breakdowns read the same whatever produced them. */
import type { Registry } from '../../registry/agent.ts';

/** Candidates returned: no request may ask for more than 10 recommendations. */
export const CANDIDATES = 10;

/** How far recorded outcomes move a confidence: ±0.05 between a 0 % and a 100 % success rate. */
const HISTORY_WEIGHT = 0.1;

/** SPEC §2 context score: the agent's domain against the request's (`general` when absent). */
export function contextScore(agentDomain: string, requestDomain: string | undefined): number {
  const wanted = requestDomain ?? 'general';
  if (agentDomain === wanted) return 1;
  return agentDomain === 'general' || wanted === 'general' ? 0.7 : 0.4;
}

/** A calibrated confidence nudged by the agent's recorded success rate (0.5 when unknown: no change). */
export function withHistory(confidence: number, historical: number): number {
  return Math.min(1, Math.max(0, confidence + HISTORY_WEIGHT * (historical - 0.5)));
}

export function strength(total: number): string {
  return total >= 0.8 ? 'Strong match' : total >= 0.5 ? 'Good match' : 'Weak match';
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** Every agent needs this many examples for an examples' classifier: fewer say too little to fit. */
export const MIN_EXAMPLES_PER_AGENT = 5;

/**
 * Training costs agents × examples per pass (CLINC150: 150 × 15,000 = 2.25 M, ~10 s for the
 * vector classifier on this machine's one core): above this, nearest examples alone decide.
 */
export const MAX_TRAINING_WORK = 5_000_000;

/**
 * Whether a registry is described by examples (such as CLINC150, 100 utterances per agent):
 * two agents or more, each with at least MIN_EXAMPLES_PER_AGENT, and few enough to train on
 * in seconds. Only then do the strategies train a classifier over the examples: in a
 * registry where some agents have none, it would tilt every decision toward the ones that do.
 */
export function describedByExamples(registry: Registry): boolean {
  const { agents } = registry;
  if (agents.length < 2 || agents.some((agent) => agent.examples.length < MIN_EXAMPLES_PER_AGENT)) return false;
  const examples = agents.reduce((sum, agent) => sum + agent.examples.length, 0);
  return agents.length * examples <= MAX_TRAINING_WORK;
}
