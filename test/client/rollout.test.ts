import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { eventsKilled, inEventShare } from '../../src/client/rollout.ts';

describe('rollout', () => {
  for (const share of [0.1, 0.5, 0.9]) {
    test(`a ${share * 100} % share sends ${share * 100} ± 2 % of 10,000 correlation ids over events`, () => {
      const ids = Array.from({ length: 10_000 }, () => randomUUID());
      const sent = ids.filter((id) => inEventShare(id, share)).length / ids.length;
      assert.ok(Math.abs(sent - share) <= 0.02, `${sent} for a share of ${share}`);
    });
  }

  test('sequential ids spread evenly too', () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => `request-${i}`);
    const sent = ids.filter((id) => inEventShare(id, 0.5)).length / ids.length;
    assert.ok(Math.abs(sent - 0.5) <= 0.02, String(sent));
  });

  test('is sticky: an id keeps its path, and an id inside a share stays inside a larger one', () => {
    const ids = Array.from({ length: 2_000 }, () => randomUUID());
    for (const id of ids) {
      assert.equal(inEventShare(id, 0.3), inEventShare(id, 0.3));
      if (inEventShare(id, 0.1)) assert.ok(inEventShare(id, 0.5), 'ramping 10 % → 50 % keeps the first 10 % on events');
    }
  });

  test('0 sends nothing and 1 everything', () => {
    const ids = Array.from({ length: 1_000 }, () => randomUUID());
    assert.ok(ids.every((id) => !inEventShare(id, 0)));
    assert.ok(ids.every((id) => inEventShare(id, 1)));
  });

  test('the kill switch is SWITCHBOARD_USE_EVENTS=false (or 0, no, off); anything else leaves events on', () => {
    for (const value of ['false', 'FALSE', ' false ', '0', 'no', 'off']) assert.equal(eventsKilled({ SWITCHBOARD_USE_EVENTS: value }), true, value);
    for (const value of [undefined, '', 'true', '1', 'yes']) assert.equal(eventsKilled({ SWITCHBOARD_USE_EVENTS: value }), false, String(value));
  });
});
