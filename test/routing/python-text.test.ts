import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  escapeRegExp,
  findWords,
  formatPercent,
  occursAsWholeWords,
  pythonLength,
  splitOnWhitespace,
} from '../../src/routing/python-text.ts';

// Expected values are what CPython 3.11 prints for the same expressions.

test('findWords is re.findall(r"\\b\\w+\\b", text) with Unicode word characters', () => {
  assert.deepEqual(findWords("what's the status? ci/cd, 24/7"), ['what', 's', 'the', 'status', 'ci', 'cd', '24', '7']);
  assert.deepEqual(findWords('naïve café_au-lait ²'), ['naïve', 'café_au', 'lait', '²']);
});

test('splitOnWhitespace is str.split(): Unicode spaces split, U+FEFF does not', () => {
  assert.deepEqual(splitOnWhitespace('  a\u00a0b\u2003c\x1fd\ufeffe  '), ['a', 'b', 'c', 'd\ufeffe']);
  assert.deepEqual(splitOnWhitespace(' \t\n'), []);
});

test('occursAsWholeWords is re.search(r"\\b" + re.escape(phrase) + r"\\b", text)', () => {
  assert.equal(occursAsWholeWords('debug this error', 'debug'), true);
  assert.equal(occursAsWholeWords('debugging this', 'debug'), false);
  assert.equal(occursAsWholeWords('a café here', 'caf'), false, 'é is a word character');
  assert.equal(occursAsWholeWords('setup ci/cd now', 'ci/cd'), true);
  assert.equal(occursAsWholeWords('debug-mode, then debug', 'debug'), true);
  assert.equal(occursAsWholeWords('x-debugger debug', 'debug'), true, 'a later occurrence counts');
  assert.equal(occursAsWholeWords('(x)', '(x'), false, 'a phrase starting with a non-word character needs a word before it');
  assert.equal(occursAsWholeWords('a(x)', '(x'), true);
});

test('pythonLength counts code points', () => {
  assert.equal(pythonLength('😀ab'), 3);
});

test('escapeRegExp makes every syntax character literal', () => {
  const text = 'a.b*c+d?e^f$g|h(i)[j]{k}\\l/m-n';
  assert.equal(new RegExp(`^${escapeRegExp(text)}$`, 'u').test(text), true);
});

test("formatPercent is f'{value:.0%}', rounding half to even", () => {
  assert.equal(formatPercent(8 / 9), '89%');
  assert.equal(formatPercent(0.725), '72%');
  assert.equal(formatPercent(0.735), '74%');
  assert.equal(formatPercent(0.705), '70%');
  assert.equal(formatPercent(1), '100%');
  assert.equal(formatPercent(0.6), '60%');
});
