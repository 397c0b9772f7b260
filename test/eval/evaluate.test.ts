/**
 * evaluate() over a router whose strategy is a scripted table (request → ranking), so the
 * expected counts follow from the rows alone, whatever the real strategies score.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate } from '../../src/eval/evaluate.ts';
import type { LabelledRequest } from '../../src/eval/labelled-set.ts';
import type { Registry } from '../../src/registry/agent.ts';
import { Router } from '../../src/routing/router.ts';
import type { ScoringStrategy } from '../../src/routing/strategy.ts';
import { registryOf } from '../routing/registry-fixture.ts';

const registry = registryOf([
  { name: 'agent-commit' },
  { name: 'agent-review' },
  { name: 'agent-deploy' },
  { name: 'agent-docs' },
]);

/** A strategy that ranks from a script: request text → [agent, total] best first. */
function scripted(name: string, script: Record<string, [string, number][]>): ScoringStrategy {
  return {
    name,
    description: 'scripted for tests',
    prepare(prepared: Registry) {
      return {
        rank: ({ text }) =>
          (script[text] ?? []).map(([agentName, total]) => ({
            agent: prepared.byName.get(agentName)!,
            score: { total, trigger: total, context: 0.5, capability: 0.5, historical: 0.5 },
            reason: 'scripted',
            explanation: 'scripted',
          })),
      };
    },
  };
}

const SCRIPT: Record<string, [string, number][]> = {
  'commit please': [['agent-commit', 0.9], ['agent-review', 0.3]],
  'review it': [['agent-commit', 0.8], ['agent-docs', 0.6], ['agent-review', 0.55]], // wrong top-1, right top-3
  'ship it': [['agent-docs', 0.4], ['agent-commit', 0.3], ['agent-review', 0.2], ['agent-deploy', 0.1]], // below threshold, deploy 4th
  'tell a joke': [], // nothing: a right no-match
  'weather today': [['agent-docs', 0.7]], // a wrong answer where no agent fits
};

function row(id: string, request: string, expected: string[], kind: string): LabelledRequest {
  return { id, request, expected, kind };
}

const ROWS: LabelledRequest[] = [
  row('1', 'commit please', ['agent-commit'], 'direct'),
  row('2', 'review it', ['agent-review'], 'paraphrase'),
  row('3', 'ship it', ['agent-deploy'], 'terse'),
  row('4', 'tell a joke', [], 'oos'),
  row('5', 'weather today', [], 'oos'),
  row('6', '@agent-deploy roll out v2', ['agent-deploy'], 'explicit'),
  row('7', 'review it', ['agent-review', 'agent-commit'], 'multi'), // either agent is accepted
];

function router(): Promise<Router> {
  const strategies = new Map([
    ['scripted', scripted('scripted', SCRIPT)],
    ['empty', scripted('empty', {})],
  ]);
  return Router.create(registry, { strategies, defaultStrategy: 'scripted', cache: false });
}

test('top-1 counts rows whose decision is one of the expected agents', async () => {
  const { report } = await evaluate(await router(), ROWS);
  // right: 1 (commit), 4 (no match), 6 (explicit), 7 (commit accepted); wrong: 2, 3, 5
  assert.equal(report.n, 7);
  assert.equal(report.top1, 4 / 7);
});

test('top-3 looks at the first three of the full ranking, below the threshold too', async () => {
  const { report } = await evaluate(await router(), ROWS);
  // top-3 adds row 2 (review is 3rd); row 3's deploy is 4th; row 5 wanted no match and got one
  assert.equal(report.top3, 5 / 7);
});

test('no-match precision and recall count the rows where no agent fits', async () => {
  const { report } = await evaluate(await router(), ROWS);
  // said no match: rows 3 and 4 (one right); wanted no match: rows 4 and 5 (one found)
  assert.deepEqual(report.no_match, { precision: 1 / 2, recall: 1 / 2 });
});

test('by_kind gives each kind its top-1 rate, kinds in alphabetical order', async () => {
  const { report } = await evaluate(await router(), ROWS);
  assert.deepEqual(report.by_kind, { direct: 1, explicit: 1, multi: 1, oos: 1 / 2, paraphrase: 0, terse: 0 });
  assert.deepEqual(Object.keys(report.by_kind), ['direct', 'explicit', 'multi', 'oos', 'paraphrase', 'terse']);
});

test('each miss records what was expected, what was chosen and with what confidence', async () => {
  const { report, allMisses } = await evaluate(await router(), ROWS);
  assert.deepEqual(report.misses, [
    { id: '2', kind: 'paraphrase', request: 'review it', expected: ['agent-review'], got: 'agent-commit', confidence: 0.8 },
    { id: '3', kind: 'terse', request: 'ship it', expected: ['agent-deploy'], got: null, confidence: 0 },
    { id: '5', kind: 'oos', request: 'weather today', expected: [], got: 'agent-docs', confidence: 0.7 },
  ]);
  assert.deepEqual(allMisses, report.misses);
});

test('the confusion table counts expected → chosen, with (no match) for either side', async () => {
  const { confusion } = await evaluate(await router(), ROWS);
  assert.deepEqual(
    [...confusion].map(([expected, byGot]) => [expected, Object.fromEntries(byGot)]),
    [
      ['agent-review', { 'agent-commit': 1 }],
      ['agent-deploy', { '(no match)': 1 }],
      ['(no match)', { 'agent-docs': 1 }],
    ],
  );
});

test('the report lists at most 20 misses, the detail keeps them all', async () => {
  const rows = Array.from({ length: 25 }, (_, i) => row(`m${i}`, 'ship it', ['agent-deploy'], 'terse'));
  const { report, allMisses } = await evaluate(await router(), rows);
  assert.equal(report.misses.length, 20);
  assert.equal(allMisses.length, 25);
  assert.deepEqual(report.misses.map((miss) => miss.id), rows.slice(0, 20).map((r) => r.id));
});

test('every rate is in 0..1 and the report is plain JSON', async () => {
  const { report } = await evaluate(await router(), ROWS);
  for (const rate of [report.top1, report.top3, report.no_match.precision, report.no_match.recall, ...Object.values(report.by_kind)]) {
    assert.ok(rate >= 0 && rate <= 1, String(rate));
  }
  assert.deepEqual(JSON.parse(JSON.stringify(report)), report);
});

test('a strategy named in the call is evaluated instead of the router default', async () => {
  const { report } = await evaluate(await router(), ROWS, 'empty');
  // the empty strategy answers no match everywhere but to the explicit request
  assert.equal(report.top1, 3 / 7);
  assert.deepEqual(report.no_match, { precision: 2 / 6, recall: 1 });
});

test('an explicit request counts in top-3 as its named agent', async () => {
  const { report } = await evaluate(await router(), [row('6', '@agent-deploy roll out v2', ['agent-deploy'], 'explicit')]);
  assert.equal(report.top1, 1);
  assert.equal(report.top3, 1);
});
