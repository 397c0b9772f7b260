import assert from 'node:assert/strict';
import { test } from 'node:test';
import { erfc, nearestRank, twoProportionZTest } from '../../src/experiments/statistics.ts';

test('erfc is within its documented 1.2e-7 relative error, tails included', () => {
  // Python's math.erfc (correctly rounded to double precision).
  const reference: [number, number][] = [
    [0, 1],
    [0.1, 0.8875370839817152],
    [0.5, 0.4795001221869535],
    [1, 0.15729920705028513],
    [2, 0.004677734981047265],
    [3, 2.2090496998585438e-5],
    [4, 1.541725790028002e-8],
    [5, 1.5374597944280351e-12],
    [6, 2.1519736712498916e-17],
    [-0.5, 1.5204998778130465],
    [-2, 1.9953222650189528],
  ];
  for (const [x, expected] of reference) {
    const error = Math.abs(erfc(x) - expected) / expected;
    assert.ok(error < 1.2e-7, `erfc(${x}) = ${erfc(x)}, expected ${expected} (relative error ${error})`);
  }
});

test('two-proportion z-test: the textbook example (Stat Trek, "difference between proportions")', () => {
  // 38 of 100 women and 102 of 200 men caught a cold: pooled 140/300, z = 2.13, two-sided P = 0.033.
  const test = twoProportionZTest({ successes: 38, trials: 100 }, { successes: 102, trials: 200 })!;
  assert.equal(test.difference.toFixed(2), '0.13');
  assert.equal(test.z.toFixed(4), '2.1276');
  assert.equal(test.p_value.toFixed(3), '0.033');
  // erfc(z / √2) in double precision (Python): the fit's error stays in the 9th digit.
  assert.ok(Math.abs(test.p_value - 0.033368235057010594) < 1e-8, String(test.p_value));
});

test('two-proportion z-test: symmetric, 1.96 is p = 0.05, and null where undefined', () => {
  const a = { successes: 30, trials: 200 };
  const b = { successes: 45, trials: 180 };
  const ab = twoProportionZTest(a, b)!;
  const ba = twoProportionZTest(b, a)!;
  assert.deepEqual([ba.difference, ba.z, ba.p_value], [-ab.difference, -ab.z, ab.p_value]);
  assert.ok(ab.p_value > 0 && ab.p_value < 1);
  assert.ok(Math.abs(erfc(1.959963984540054 / Math.SQRT2) - 0.05) < 1e-8);
  assert.equal(twoProportionZTest({ successes: 0, trials: 0 }, b), null, 'no trials on a side');
  assert.equal(twoProportionZTest(a, { successes: 0, trials: 0 }), null);
  assert.equal(twoProportionZTest({ successes: 10, trials: 10 }, { successes: 5, trials: 5 }), null, 'all succeeded: no variance');
  assert.equal(twoProportionZTest({ successes: 0, trials: 10 }, { successes: 0, trials: 5 }), null, 'all failed: no variance');
  const equal = twoProportionZTest({ successes: 20, trials: 40 }, { successes: 10, trials: 20 })!;
  assert.deepEqual([equal.difference, equal.z, equal.p_value], [0, 0, 1]);
});

test('nearestRank: the smallest value with at least q of the values at or below it', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.deepEqual([0.5, 0.95, 0.99, 1].map((q) => nearestRank(hundred, q)), [50, 95, 99, 100]);
  const ten = Array.from({ length: 10 }, (_, i) => i + 1);
  assert.deepEqual([0.5, 0.95, 0.99].map((q) => nearestRank(ten, q)), [5, 10, 10]);
  assert.deepEqual([0.5, 0.99].map((q) => nearestRank([7], q)), [7, 7]);
});
