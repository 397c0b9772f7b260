import type { Evidence } from './evidence.ts';

/**
 * Calibrated confidence that an agent fits a request, from features of the ranking rather
 * than the raw score (BM25 scores grow with request length and registry size). A logistic
 * model fitted on the labelled dev sets of three registries (ONEX, Claude Code, CLINC150)
 * to separate requests some agent serves from requests none does; its 0.5 line is the
 * router's default `min_confidence`.
 */
const WEIGHTS = {
  /** Share of the request's idf mass the agent matched. */
  coverage: 2.975,
  /** log(1 + score): absolute evidence. */
  score: 3.852,
  /** log(1 + score from routing fields alone: not body, not examples). */
  routingScore: 1.56,
  /** log(1 + strongest single word): one lucky rare word should not carry a decision. */
  strongestTerm: -1.148,
  /** Lead over the best other agent, as a share of the agent's score. */
  margin: 2.168,
  intercept: -10.265,
} as const;

export interface ConfidenceFeatures {
  readonly coverage: number;
  readonly score: number;
  readonly routingScore: number;
  readonly strongestTerm: number;
  readonly margin: number;
}

/** Features of one candidate; `rival` is the best score among the other agents. */
export function confidenceFeatures(evidence: Evidence, rival: number, requestIdf: number): ConfidenceFeatures {
  const routingScore = evidence.score - evidence.byField.body - evidence.byField.examples;
  let strongestTerm = 0;
  for (const term of evidence.terms) if (term.field !== 'body' && term.weight > strongestTerm) strongestTerm = term.weight;
  return {
    // At most 1: two words read as one ("front end") count in what an agent matches, not in the request's mass.
    coverage: requestIdf > 0 ? Math.min(1, evidence.matchedIdf / requestIdf) : 0,
    score: evidence.score,
    routingScore,
    strongestTerm,
    margin: evidence.score > 0 ? (evidence.score - rival) / evidence.score : 0,
  };
}

export function confidence(features: ConfidenceFeatures): number {
  const z =
    WEIGHTS.coverage * features.coverage +
    WEIGHTS.score * Math.log1p(features.score) +
    WEIGHTS.routingScore * Math.log1p(Math.max(0, features.routingScore)) +
    WEIGHTS.strongestTerm * Math.log1p(features.strongestTerm) +
    WEIGHTS.margin * features.margin +
    WEIGHTS.intercept;
  return 1 / (1 + Math.exp(-z));
}
