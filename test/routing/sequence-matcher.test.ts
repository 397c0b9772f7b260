import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ratioAgainst, ratioUpperBound, sequenceRatio } from '../../src/routing/sequence-matcher.ts';

// Values printed by CPython 3.11: difflib.SequenceMatcher(None, a, b).ratio().
const LONG_REQUEST =
  'please review the deployment pipeline, then profile the api gateway: latency spikes every night around ' +
  'midnight and the on-call engineer thinks the connection pool is exhausted by retries from the batch jobs';
const REPEATED = 'the quick brown fox jumps over the lazy dog '.repeat(5).slice(0, 220);

const PYTHON_RATIOS: readonly [string, string, number, string][] = [
  ['abcd', 'bcde', 0.75, 'difflib documentation example'],
  ['test', 'tests', 0.8888888888888888, 'trigger against a request word'],
  ['react', 'create', 0.7272727272727273, 'match not at the start'],
  ['api design', 'design', 0.75, 'multi-word trigger against a word'],
  ["what's the status", 'what is the status?', 0.8888888888888888, 'recursion on both sides'],
  ['git commit', 'help me write better commit messages', 0.391304347826087, 'trigger against a whole request'],
  ['abbcaba', 'bbab', 0.36363636363636365, 'leftmost longest match (rightmost would give 0.545)'],
  ['bbcb', 'bcabacb', 0.5454545454545454, 'leftmost longest match (rightmost would give 0.727)'],
  ['accabc', 'bccbacb', 0.46153846153846156, 'leftmost longest match (rightmost would give 0.308)'],
  ['', '', 1.0, 'two empty strings'],
  ['a', '', 0.0, 'one empty string'],
  ['😀a', 'a😀', 0.5, 'astral characters count once, as in Python'],
  ['naïve café', 'naive cafe', 0.8, 'non-ASCII letters'],
  ['connection pool', LONG_REQUEST.slice(0, 199), 0.14018691588785046, 'b of 199 characters: no autojunk'],
  ['connection pool', LONG_REQUEST.slice(0, 200), 0.0, 'b of 200 characters: popular characters junked'],
  ['quick brown fox', REPEATED, 0.0, 'autojunk: every letter is popular'],
  ['the the the', REPEATED, 0.03463203463203463, 'autojunk: matches still extend over popular characters'],
];

test('sequenceRatio reproduces difflib.SequenceMatcher.ratio()', () => {
  for (const [a, b, expected, why] of PYTHON_RATIOS) {
    assert.equal(sequenceRatio(a, b), expected, `${why}: ratio(${JSON.stringify(a)}, ${JSON.stringify(b)})`);
  }
});

test('ratioAgainst indexes b once and gives the same ratios for any a', () => {
  const against = ratioAgainst('help me write better commit messages');
  assert.equal(against('git commit'), 0.391304347826087);
  assert.equal(against('git commit'), sequenceRatio('git commit', 'help me write better commit messages'));
  assert.equal(against('commit message'), sequenceRatio('commit message', 'help me write better commit messages'));
});

test('ratioUpperBound never underestimates the ratio', () => {
  for (const [a, b, expected] of PYTHON_RATIOS) {
    assert.ok(ratioUpperBound([...a].length, [...b].length) >= expected);
  }
  assert.equal(ratioUpperBound(0, 0), 1);
  assert.equal(ratioUpperBound(4, 6), 0.8);
});
