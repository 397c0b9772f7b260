/** The few statistics an experiment report needs, on plain numbers. */

/**
 * The complementary error function, erfc(x) = 1 − erf(x), by the Chebyshev fit of Numerical
 * Recipes (Press et al., 2nd ed., §6.2, `erfcc`): relative error below 1.2e-7 for every x.
 * A relative bound matters here: p-values are erfc of large arguments, where a fit with only
 * an absolute bound (Abramowitz & Stegun 7.1.26, 1.5e-7) would return noise for p < 1e-6.
 */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const tail =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? tail : 2 - tail;
}

export interface Proportion {
  readonly successes: number;
  readonly trials: number;
}

export interface ProportionTest {
  /** The treatment's success rate minus the control's. */
  readonly difference: number;
  /** `difference` over its standard error under equal rates. */
  readonly z: number;
  /** Two-sided: P(|Z| ≥ |z|) under equal rates, = erfc(|z| / √2). */
  readonly p_value: number;
}

/**
 * The pooled two-proportion z-test of equal success rates. Null when it is not defined: a
 * side without trials, or a pooled rate of 0 or 1 (no variance: both sides all failed or
 * all succeeded). The normal approximation wants about 10 successes and 10 failures a side;
 * below that the p-value is indicative only.
 */
export function twoProportionZTest(control: Proportion, treatment: Proportion): ProportionTest | null {
  if (control.trials === 0 || treatment.trials === 0) return null;
  const pooled = (control.successes + treatment.successes) / (control.trials + treatment.trials);
  const variance = pooled * (1 - pooled) * (1 / control.trials + 1 / treatment.trials);
  if (variance === 0) return null;
  const difference = treatment.successes / treatment.trials - control.successes / control.trials;
  const z = difference / Math.sqrt(variance);
  // The fit gives 1 + 3e-8 at z = 0; a probability stays at most 1.
  return { difference, z, p_value: Math.min(1, erfc(Math.abs(z) / Math.SQRT2)) };
}

/**
 * Nearest-rank percentile of ascending `sorted` values (q in (0, 1]): the smallest value with
 * at least a q share of the values at or below it; the same rule as `stats` over the
 * decision history (src/store/read-model.ts), so both report the same p95 for the same rows.
 */
export function nearestRank(sorted: readonly number[], q: number): number {
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
}
