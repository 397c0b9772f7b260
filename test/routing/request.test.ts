import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cacheKey, normaliseRequest } from '../../src/routing/request.ts';
import { SwitchboardError } from '../../src/errors.ts';

function rejects(request: unknown, pattern: RegExp): void {
  assert.throws(
    () => normaliseRequest(request as never),
    (error: unknown) => error instanceof SwitchboardError && error.code === 'INVALID_REQUEST' && pattern.test(error.message),
  );
}

test('fills in the SPEC defaults and normalises the text', () => {
  const request = normaliseRequest({ user_request: '  Fix   the\nBUILD  ' });
  assert.equal(request.text, 'fix the build');
  assert.equal(request.maxRecommendations, 5);
  assert.equal(request.minConfidence, 0.5);
  assert.equal(request.strategy, undefined);
  assert.deepEqual(request.context, {});
});

test('rejects empty, whitespace-only, oversized and binary requests', () => {
  rejects({ user_request: '' }, /empty/);
  rejects({ user_request: ' \n\t ' }, /empty/);
  rejects({ user_request: 'x'.repeat(10_001) }, /10001 characters; the limit is 10000/);
  rejects({ user_request: 'hello\u0000world' }, /looks binary/);
  rejects({ user_request: '\u0001\u0002\u0003 fix \u0004' }, /looks binary/);
  rejects({ user_request: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0xd8]).toString('utf8') }, /looks binary/);
  rejects({ user_request: 42 }, /must be a string/);
  rejects({}, /must be a string/);
  assert.equal(normaliseRequest({ user_request: 'x'.repeat(10_000) }).text.length, 10_000);
});

test('control characters in text route: terminal colour codes are dropped, a stray control reads as a space', () => {
  assert.equal(normaliseRequest({ user_request: '\u001b[31merror:\u001b[0m the build\u0007 failed' }).text, 'error: the build failed');
  assert.equal(normaliseRequest({ user_request: '\u001b]0;my title\u0007fix the build' }).text, 'fix the build');
  assert.equal(normaliseRequest({ user_request: 'fix\u0008the\u007fbuild\u0085now' }).text, 'fix the build now');
  assert.equal(normaliseRequest({ user_request: 'why does re\u001b[01;31m\u001b[Kbuild fail' }).text, 'why does rebuild fail', 'a colour code inside a word');
  assert.equal(normaliseRequest({ user_request: '\u001b(B\u001b[mfix\u001b7 the\u001b8 build' }).text, 'fix the build', 'tput sgr0, cursor save and restore');
  assert.equal(normaliseRequest({ user_request: '\u009b31mfix the build' }).text, 'fix the build', 'an 8-bit CSI');
  assert.equal(normaliseRequest({ user_request: '\u001b]0;fix the build' }).text, '0;fix the build', 'an OSC never closed stays text');
  assert.equal(normaliseRequest({ user_request: 'ls\u0007' }).text, 'ls', 'a short command with a bell is not binary');
  rejects({ user_request: '\u001b[0m\u001b[1m' }, /empty or whitespace only/);
});

test('rejects out-of-range options and non-string context', () => {
  rejects({ user_request: 'x', options: { max_recommendations: 0 } }, /max_recommendations/);
  rejects({ user_request: 'x', options: { max_recommendations: 11 } }, /max_recommendations/);
  rejects({ user_request: 'x', options: { max_recommendations: 2.5 } }, /integer/);
  rejects({ user_request: 'x', options: { min_confidence: 1.5 } }, /min_confidence/);
  rejects({ user_request: 'x', options: { min_confidence: 'high' } }, /min_confidence/);
  rejects({ user_request: 'x', context: { domain: 3 } }, /context.domain/);
  rejects({ user_request: 'x', context: ['a'] }, /context must be an object/);
});

test('the cache key covers text, context (in any key order), options, strategy and versions', () => {
  const a = normaliseRequest({ user_request: 'Fix  it', context: { domain: 'x', current_file: 'a.ts' } });
  const b = normaliseRequest({ user_request: 'fix it', context: { current_file: 'a.ts', domain: 'x' } });
  assert.equal(cacheKey(a, 's', 'v1', 'h'), cacheKey(b, 's', 'v1', 'h'));
  assert.notEqual(cacheKey(a, 's', 'v1', 'h'), cacheKey(a, 's', 'v2', 'h'));
  assert.notEqual(cacheKey(a, 's', 'v1', 'h'), cacheKey(a, 't', 'v1', 'h'));
  assert.notEqual(cacheKey(a, 's', 'v1', 'h'), cacheKey(a, 's', 'v1', 'h2'));
  const c = normaliseRequest({ user_request: 'fix it', options: { max_recommendations: 3 } });
  assert.notEqual(cacheKey(b, 's', 'v1', 'h'), cacheKey(c, 's', 'v1', 'h'));
});
