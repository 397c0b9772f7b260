import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CircuitBreaker, type CircuitState } from '../../src/client/circuit-breaker.ts';

/** A breaker on a clock the test moves, recording every transition. */
function breaker(options: { failureThreshold?: number; cooldownMs?: number } = {}) {
  let now = 1_000;
  const transitions: string[] = [];
  const subject = new CircuitBreaker({
    ...options,
    now: () => now,
    onStateChange: (state: CircuitState, previous: CircuitState) => transitions.push(`${previous}→${state}`),
  });
  return { subject, transitions, advance: (ms: number) => void (now += ms) };
}

describe('CircuitBreaker', () => {
  test('opens after 5 consecutive failures by default, and refuses calls while open', () => {
    const { subject, transitions } = breaker();
    for (let i = 0; i < 4; i++) {
      assert.equal(subject.allow(), true);
      subject.failure();
    }
    assert.equal(subject.state, 'closed');
    assert.equal(subject.consecutiveFailures, 4);
    subject.failure();
    assert.equal(subject.state, 'open');
    assert.equal(subject.allow(), false);
    assert.deepEqual(transitions, ['closed→open']);
  });

  test('a success resets the count of consecutive failures', () => {
    const { subject } = breaker();
    for (let i = 0; i < 4; i++) subject.failure();
    subject.success();
    for (let i = 0; i < 4; i++) subject.failure();
    assert.equal(subject.state, 'closed');
  });

  test('half-opens after the 60 s default cooldown and lets one trial through at a time', () => {
    const { subject, advance, transitions } = breaker();
    for (let i = 0; i < 5; i++) subject.failure();
    advance(59_999);
    assert.equal(subject.allow(), false);
    advance(1);
    assert.equal(subject.state, 'half_open');
    assert.equal(subject.allow(), true, 'the trial');
    assert.equal(subject.allow(), false, 'no second call while the trial is out');
    subject.success();
    assert.equal(subject.state, 'closed');
    assert.equal(subject.allow(), true);
    assert.deepEqual(transitions, ['closed→open', 'open→half_open', 'half_open→closed']);
  });

  test('a failed trial reopens it for another full cooldown', () => {
    const { subject, advance, transitions } = breaker({ failureThreshold: 2, cooldownMs: 1_000 });
    subject.failure();
    subject.failure();
    advance(1_000);
    assert.equal(subject.allow(), true);
    subject.failure();
    assert.equal(subject.state, 'open');
    advance(999);
    assert.equal(subject.allow(), false);
    advance(1);
    assert.equal(subject.allow(), true);
    assert.deepEqual(transitions, ['closed→open', 'open→half_open', 'half_open→open', 'open→half_open']);
  });

  test('failures of calls let through before it opened keep it open without restarting the cooldown', () => {
    const { subject, advance } = breaker({ failureThreshold: 1, cooldownMs: 1_000 });
    subject.failure();
    advance(600);
    subject.failure();
    advance(400);
    assert.equal(subject.state, 'half_open');
  });

  test('rejects thresholds and cooldowns that make no sense', () => {
    assert.throws(() => new CircuitBreaker({ failureThreshold: 0 }), RangeError);
    assert.throws(() => new CircuitBreaker({ cooldownMs: -1 }), RangeError);
  });
});
