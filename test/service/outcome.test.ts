import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_ERROR_MESSAGE_CHARS } from '../../src/contracts/events.ts';
import { ERROR_CODES, SwitchboardError, type ErrorCode } from '../../src/errors.ts';
import { failureOf } from '../../src/service/outcome.ts';

test('every catalogued error becomes its HTTP status and wire code; the caller\'s errors are invalid, the rest failed', () => {
  for (const code of Object.keys(ERROR_CODES) as ErrorCode[]) {
    const failure = failureOf(new SwitchboardError(code, `a ${code}`));
    assert.equal(failure.code, code);
    assert.equal(failure.status, ERROR_CODES[code].http);
    assert.deepEqual(failure.payload, { error_code: ERROR_CODES[code].wire, error_message: `a ${code}` });
    assert.equal(failure.outcome, ERROR_CODES[code].wire === 'INVALID_REQUEST' ? 'invalid' : 'failed');
  }
});

test('a framework 4xx keeps its status as INVALID_REQUEST; anything unknown is a 500 INTERNAL_ERROR', () => {
  const tooLarge = Object.assign(new RangeError('Request body is too large'), { statusCode: 413 });
  assert.deepEqual(failureOf(tooLarge), {
    code: 'INVALID_REQUEST',
    status: 413,
    outcome: 'invalid',
    payload: { error_code: 'INVALID_REQUEST', error_message: 'Request body is too large' },
  });
  const bug = failureOf(new TypeError('x is undefined'));
  assert.equal(bug.status, 500);
  assert.equal(bug.outcome, 'failed');
  assert.equal(bug.payload.error_code, 'INTERNAL_ERROR');
  assert.equal(failureOf('thrown string').payload.error_message, 'thrown string');
});

test('messages are bounded to what a failed event may carry', () => {
  const failure = failureOf(new SwitchboardError('UNKNOWN_STRATEGY', `unknown routing_strategy '${'x'.repeat(5_000)}'`));
  assert.equal(failure.payload.error_message.length, MAX_ERROR_MESSAGE_CHARS);
  assert.ok(failure.payload.error_message.endsWith('…'));
});
