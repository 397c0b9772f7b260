import type { Experiment } from './config.ts';
import { nearestRank, twoProportionZTest, type Proportion, type ProportionTest } from './statistics.ts';

/**
 * The per-variant report of an experiment (SPEC §6), computed from decision rows however
 * they were fetched: pure, so that it is tested on hand-made rows.
 */

/** One decision of the history, with the outcome later recorded for its request. */
export interface DecisionRow {
  experiment: string;
  variant: string;
  /** null: an explicit no-match. Failed decisions (an `error_code`) are not rows: they would count as no-matches. */
  selected_agent: string | null;
  /** The selected agent's confidence; null for a no-match. */
  confidence_total: number | null;
  latency_ms: number;
  /** The request's recorded outcome (the latest, when there are several); null when none was recorded. */
  outcome_success: boolean | null;
  /**
   * Whether the control's options selected the same agent for this request (the service
   * decides a treatment variant's requests again with them, after the answer); null for the
   * control's own rows and when no such run was recorded (skipped under load).
   */
  control_match: boolean | null;
}

/** Rates and means are null when there is nothing to divide by. */
export interface VariantReport {
  variant: string;
  /** The configured share; null for a variant found in the rows but no longer in the config. */
  share: number | null;
  decisions: number;
  no_match_rate: number | null;
  /** Over the decisions with a confidence (those that selected an agent). */
  mean_confidence: number | null;
  /** Nearest-rank, as `stats` computes them over the history. */
  latency_ms: { p50: number | null; p95: number | null; p99: number | null };
  /**
   * Share of its decisions, among those also decided with the control's options, where both
   * selected the same agent (or both none); null for the control and when none was compared.
   */
  agreement: number | null;
  /** Decisions also decided with the control's options: what `agreement` is over. */
  compared: number;
  /** Decisions with a recorded outcome. */
  outcomes: number;
  success_rate: number | null;
  /**
   * This variant's success rate against the control's (two-proportion z-test). Null for the
   * control itself, and when the test is not defined: no outcomes on a side, or every
   * outcome alike on both.
   */
  vs_control: ProportionTest | null;
}

export interface ExperimentReport {
  experiment: string;
  /** The first configured variant. */
  control: string;
  /** Configured variants in file order, then any others found in the rows, by name. */
  variants: VariantReport[];
}

function variantReport(variant: string, share: number | null, rows: readonly DecisionRow[], control?: Proportion): VariantReport {
  const latencies = rows.map((row) => row.latency_ms).sort((a, b) => a - b);
  const confidences = rows.flatMap((row) => (row.confidence_total === null ? [] : [row.confidence_total]));
  const outcomes = outcomesOf(rows);
  const compared = rows.filter((row) => row.control_match !== null);
  const latency = (q: number) => (latencies.length === 0 ? null : nearestRank(latencies, q));
  return {
    variant,
    share,
    decisions: rows.length,
    no_match_rate: ratio(rows.filter((row) => row.selected_agent === null).length, rows.length),
    mean_confidence: ratio(confidences.reduce((sum, c) => sum + c, 0), confidences.length),
    latency_ms: { p50: latency(0.5), p95: latency(0.95), p99: latency(0.99) },
    agreement: ratio(compared.filter((row) => row.control_match).length, compared.length),
    compared: compared.length,
    outcomes: outcomes.trials,
    success_rate: ratio(outcomes.successes, outcomes.trials),
    vs_control: control ? twoProportionZTest(control, outcomes) : null,
  };
}

function ratio(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}

function outcomesOf(rows: readonly DecisionRow[]): Proportion {
  const recorded = rows.filter((row) => row.outcome_success !== null);
  return { successes: recorded.filter((row) => row.outcome_success).length, trials: recorded.length };
}

/** The report of `experiment` over `rows`; rows of other experiments are ignored. */
export function experimentReport(experiment: Pick<Experiment, 'name' | 'variants'>, rows: Iterable<DecisionRow>): ExperimentReport {
  const byVariant = new Map<string, DecisionRow[]>(experiment.variants.map((variant) => [variant.name, []]));
  for (const row of rows) {
    if (row.experiment !== experiment.name) continue;
    const list = byVariant.get(row.variant);
    if (list === undefined) byVariant.set(row.variant, [row]);
    else list.push(row);
  }
  const [{ name: control, share: controlShare }, ...treatments] = experiment.variants;
  const controlRows = byVariant.get(control)!;
  const controlOutcomes = outcomesOf(controlRows);
  const configured = new Set(experiment.variants.map((variant) => variant.name));
  const unconfigured = [...byVariant.keys()].filter((name) => !configured.has(name)).sort();
  return {
    experiment: experiment.name,
    control,
    variants: [
      variantReport(control, controlShare, controlRows),
      ...treatments.map(({ name, share }) => variantReport(name, share, byVariant.get(name)!, controlOutcomes)),
      ...unconfigured.map((name) => variantReport(name, null, byVariant.get(name)!, controlOutcomes)),
    ],
  };
}
