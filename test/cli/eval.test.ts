import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { EvalReport } from '../../src/eval/evaluate.ts';
import { CONCURRENCY, cli, escapeRegExp, hasStackTrace, OMNICLAUDE, OMNICLAUDE_INDEX, tempDir } from './run-cli.ts';

const DEV_SET = 'eval/registry-o.dev.jsonl';
const GOLDEN = 'eval/omniclaude/golden_corpus.json';

function assertRate(value: unknown, label: string): void {
  assert.ok(typeof value === 'number' && value >= 0 && value <= 1, `${label} = ${value}`);
}

describe('switchboard eval', { concurrency: CONCURRENCY }, () => {
  test('--json on a JSONL set prints exactly n, top1, top3, no_match, by_kind and misses', async () => {
    const run = await cli(['eval', '--registry', OMNICLAUDE, '--set', DEV_SET, '--json']);
    assert.equal(run.status, 0, run.stderr);
    const report = JSON.parse(run.stdout) as EvalReport;
    assert.deepEqual(Object.keys(report).sort(), ['by_kind', 'misses', 'n', 'no_match', 'top1', 'top3']);
    assert.equal(report.n, 70);
    assertRate(report.top1, 'top1');
    assertRate(report.top3, 'top3');
    assert.ok(report.top3 >= report.top1, 'top-3 is never below top-1');
    assert.deepEqual(Object.keys(report.no_match).sort(), ['precision', 'recall']);
    assertRate(report.no_match.precision, 'no_match.precision');
    assertRate(report.no_match.recall, 'no_match.recall');
    assert.deepEqual(Object.keys(report.by_kind).sort(), ['direct', 'explicit', 'long', 'multi', 'oos', 'paraphrase', 'terse', 'typo']);
    for (const [kind, rate] of Object.entries(report.by_kind)) assertRate(rate, `by_kind.${kind}`);
    assert.equal(report.by_kind.explicit, 1, 'explicit @agent requests always route to the named agent');
    assert.ok(Array.isArray(report.misses) && report.misses.length <= 20);
    for (const miss of report.misses) {
      assert.deepEqual(Object.keys(miss).sort(), ['confidence', 'expected', 'got', 'id', 'kind', 'request']);
      assert.ok(miss.got === null || typeof miss.got === 'string');
      assert.ok(!miss.expected.includes(miss.got as string), `${miss.id} is a miss`);
    }
  });

  test('the golden corpus over the central index reaches top-1 ≥ 0.98 with enhanced_fuzzy_matching', async () => {
    const run = await cli(['eval', '--registry', OMNICLAUDE_INDEX, '--set', GOLDEN, '--strategy', 'enhanced_fuzzy_matching', '--json']);
    assert.equal(run.status, 0, run.stderr);
    const report = JSON.parse(run.stdout) as EvalReport;
    assert.equal(report.n, 102);
    assert.ok(report.top1 >= 0.98, `top1 ${report.top1}; misses ${JSON.stringify(report.misses)}`);
  });

  test('a set expecting agents the registry lacks says so on stderr, naming aliases; the report is unchanged', async () => {
    const run = await cli(['eval', '--registry', OMNICLAUDE, '--set', GOLDEN, '--strategy', 'lexical', '--json']);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /^switchboard: \d+ agent names the set expects are not in the registry: .*'testing' \(an alias of 'agent-testing'\)/m);
    assert.equal((JSON.parse(run.stdout) as EvalReport).n, 102);
    const matching = await cli(['eval', '--registry', OMNICLAUDE_INDEX, '--set', GOLDEN, '--strategy', 'lexical', '--json']);
    assert.doesNotMatch(matching.stderr, /not in the registry/);
  });

  test('human output summarises accuracy per kind and names the strategy', async () => {
    const run = await cli(['eval', '--registry', OMNICLAUDE_INDEX, '--set', GOLDEN, '--strategy', 'enhanced_fuzzy_matching']);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^102 requests · strategy enhanced_fuzzy_matching$/m);
    assert.match(run.stdout, /^top-1 \d+\.\d% · top-3 \d+\.\d% · no-match precision \d+\.\d% recall \d+\.\d%$/m);
    assert.match(run.stdout, /^kind\s+top-1$/m);
  });

  test('a malformed JSONL set exits 2 naming file:line', async (t) => {
    const set = path.join(await tempDir(t), 'broken.jsonl');
    await writeFile(set, '{"request": "write a commit message", "expected": ["agent-commit"]}\n{"request": "oops", "expected": \n');
    const run = await cli(['eval', '--registry', OMNICLAUDE_INDEX, '--set', set]);
    assert.equal(run.status, 2);
    assert.match(run.stderr, new RegExp(`^switchboard: ${escapeRegExp(set)}:2: not JSON`, 'm'));
    assert.equal(hasStackTrace(run.stderr), false, run.stderr);
  });

  test('a row whose expected is not a list of names exits 2 naming file:line', async (t) => {
    const set = path.join(await tempDir(t), 'bad-row.jsonl');
    await writeFile(set, '\n{"request": "write a commit message", "expected": "agent-commit"}\n');
    const run = await cli(['eval', '--registry', OMNICLAUDE_INDEX, '--set', set]);
    assert.equal(run.status, 2);
    assert.match(run.stderr, new RegExp(`${escapeRegExp(set)}:2: expected must be a list of agent names`));
  });

  test('without --set exits 2 saying it is needed', async () => {
    const run = await cli(['eval', '--registry', OMNICLAUDE_INDEX]);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /eval needs --set FILE/);
  });

  test(
    'a --set file that does not exist exits 2 naming it, without a stack trace',
    async () => {
      const run = await cli(['eval', '--registry', OMNICLAUDE_INDEX, '--set', 'eval/no-such-set.jsonl']);
      assert.equal(hasStackTrace(run.stderr), false, run.stderr);
      assert.equal(run.status, 2);
      assert.match(run.stderr, /eval\/no-such-set\.jsonl/);
    },
  );
});
