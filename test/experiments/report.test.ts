import assert from 'node:assert/strict';
import { test } from 'node:test';
import { experimentReport, type DecisionRow, type Experiment, type VariantReport } from '../../src/experiments/index.ts';

function experiment(variants: [string, number][]): Pick<Experiment, 'name' | 'variants'> {
  return { name: 'e', variants: variants.map(([name, share]) => ({ name, share, options: { routing_strategy: 'lexical' } })) };
}

function rows(count: number, variant: string, row: (i: number) => Partial<DecisionRow>): DecisionRow[] {
  return Array.from({ length: count }, (_, i) => ({
    experiment: 'e',
    variant,
    selected_agent: 'agent-x',
    confidence_total: 0.9,
    latency_ms: 1,
    outcome_success: null,
    control_match: null,
    ...row(i),
  }));
}

const empty = (variant: string, share: number | null): VariantReport => ({
  variant,
  share,
  decisions: 0,
  no_match_rate: null,
  mean_confidence: null,
  latency_ms: { p50: null, p95: null, p99: null },
  agreement: null,
  compared: 0,
  outcomes: 0,
  success_rate: null,
  vs_control: null,
});

function assertClose(actual: number | null | undefined, expected: number, what: string): void {
  assert.ok(actual != null && Math.abs(actual - expected) < 1e-12, `${what}: ${actual}, expected ${expected}`);
}

// Control: 120 decisions, latencies 1..120 ms, every 4th a no-match, confidence 0.6 or 0.9;
// outcomes on the first 100, of which 38 succeeded. Treatment: 200 decisions, latencies
// 2..400 ms, every 10th a no-match, confidence 0.7; 200 outcomes, 102 successes. The outcome
// counts are the Stat Trek textbook example (z = 2.13, two-sided P = 0.033).
const control = rows(120, 'a', (i) => ({
  latency_ms: i + 1,
  selected_agent: i % 4 === 0 ? null : 'agent-x',
  confidence_total: i % 4 === 0 ? null : i % 4 === 1 ? 0.6 : 0.9,
  outcome_success: i < 100 ? i < 38 : null,
}));
const treatment = rows(200, 'b', (i) => ({
  latency_ms: 2 * (i + 1),
  selected_agent: i % 10 === 0 ? null : 'agent-y',
  confidence_total: i % 10 === 0 ? null : 0.7,
  outcome_success: i < 102,
}));
const elsewhere = [...rows(5, 'a', () => ({ experiment: 'another' })), ...rows(2, 'retired', () => ({ latency_ms: 5 }))];
const all = [...control, ...treatment, ...elsewhere];
const config = experiment([['a', 0.4], ['b', 0.4], ['c', 0.2]]);

test('per-variant numbers match the hand computation', () => {
  const report = experimentReport(config, all);
  assert.equal(report.experiment, 'e');
  assert.equal(report.control, 'a');
  assert.deepEqual(report.variants.map((v) => v.variant), ['a', 'b', 'c', 'retired']);
  const [a, b, c, retired] = report.variants;

  assert.deepEqual({ ...a, mean_confidence: undefined }, {
    variant: 'a',
    share: 0.4,
    decisions: 120,
    no_match_rate: 0.25, // 30 of 120
    mean_confidence: undefined,
    latency_ms: { p50: 60, p95: 114, p99: 119 }, // ranks ⌈0.5·120⌉ = 60, ⌈0.95·120⌉ = 114, ⌈0.99·120⌉ = 119
    agreement: null,
    compared: 0,
    outcomes: 100,
    success_rate: 0.38,
    vs_control: null,
  });
  assertClose(a.mean_confidence, 0.8, 'control confidence'); // (30·0.6 + 60·0.9) / 90

  assert.equal(b.decisions, 200);
  assert.equal(b.no_match_rate, 0.1);
  assertClose(b.mean_confidence, 0.7, 'treatment confidence');
  assert.deepEqual(b.latency_ms, { p50: 200, p95: 380, p99: 396 }); // values at ranks 100, 190, 198 of 2..400
  assert.deepEqual([b.outcomes, b.success_rate], [200, 0.51]);
  assertClose(b.vs_control?.difference, 0.13, 'difference');
  assert.equal(b.vs_control?.z.toFixed(4), '2.1276');
  assert.equal(b.vs_control?.p_value.toFixed(3), '0.033');

  assert.deepEqual(c, empty('c', 0.2), 'a configured variant without decisions');
  assert.deepEqual(retired, {
    ...empty('retired', null),
    decisions: 2,
    no_match_rate: 0,
    mean_confidence: 0.9,
    latency_ms: { p50: 5, p95: 5, p99: 5 },
  });
});

test('the order of the rows does not matter (up to float summation order)', () => {
  const rounded = (rows: DecisionRow[]) =>
    JSON.stringify(experimentReport(config, rows), (_, value) => (typeof value === 'number' ? Number(value.toPrecision(12)) : value));
  assert.equal(rounded([...all].reverse()), rounded(all));
});

test('no rows: every variant is reported, with zero counts and null rates', () => {
  assert.deepEqual(experimentReport(config, []), { experiment: 'e', control: 'a', variants: [empty('a', 0.4), empty('b', 0.4), empty('c', 0.2)] });
});

test('no outcomes yet: decisions are summarised, success rate and test are null', () => {
  const report = experimentReport(experiment([['a', 0.5], ['b', 0.5]]), [...rows(3, 'a', (i) => ({ latency_ms: 10 * (i + 1) })), ...rows(1, 'b', () => ({}))]);
  assert.deepEqual(report.variants[0].latency_ms, { p50: 20, p95: 30, p99: 30 });
  for (const variant of report.variants) assert.deepEqual([variant.outcomes, variant.success_rate, variant.vs_control], [0, null, null]);
});

test('outcomes on one side only, or all alike on both: no test', () => {
  const config = experiment([['a', 0.5], ['b', 0.5]]);
  const oneSided = experimentReport(config, [...rows(10, 'a', () => ({ outcome_success: true })), ...rows(10, 'b', () => ({}))]);
  assert.equal(oneSided.variants[1].vs_control, null);
  const allSucceeded = experimentReport(config, [...rows(10, 'a', () => ({ outcome_success: true })), ...rows(20, 'b', () => ({ outcome_success: true }))]);
  assert.deepEqual(allSucceeded.variants.map((v) => [v.success_rate, v.vs_control]), [[1, null], [1, null]]);
});

test('a single variant is its own control, with nothing to compare', () => {
  const report = experimentReport(experiment([['only', 1]]), rows(4, 'only', (i) => ({ outcome_success: i % 2 === 0 })));
  assert.equal(report.control, 'only');
  assert.deepEqual(report.variants.map((v) => [v.variant, v.decisions, v.success_rate, v.vs_control]), [['only', 4, 0.5, null]]);
});

test('agreement: the share of compared decisions where the control chose the same agent; undecided runs do not count', () => {
  const config = experiment([['a', 0.5], ['b', 0.5]]);
  // b: 10 decisions, 8 also decided with the control's options (2 skipped under load), 6 of them alike.
  const report = experimentReport(config, [
    ...rows(4, 'a', () => ({})),
    ...rows(10, 'b', (i) => ({ control_match: i < 8 ? i < 6 : null })),
  ]);
  const [a, b] = report.variants;
  assert.deepEqual([a.agreement, a.compared], [null, 0], 'the control is not compared with itself');
  assert.deepEqual([b.agreement, b.compared], [0.75, 8]);
});
