/**
 * `switchboard bench` always measures the synthetic 1k and 10k registries too: the slowest
 * test of the suite (about 20 s). Only the shape of the report is asserted, never timings.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { RegistryBench } from '../../src/bench/routing-bench.ts';
import { CONCURRENCY, cli, hasStackTrace, OMNICLAUDE, ROOT } from './run-cli.ts';

const BENCHMARKS_MD = path.join(ROOT, 'docs/benchmarks.md');

async function readIfAny(file: string): Promise<string | undefined> {
  return readFile(file, 'utf8').catch(() => undefined);
}

describe('switchboard bench', { concurrency: CONCURRENCY }, () => {
  test('--json --no-write prints {"registries": [...]} with every measure for the given and synthetic registries', async () => {
    const before = await readIfAny(BENCHMARKS_MD);
    const run = await cli(['bench', '--registry', OMNICLAUDE, '--json', '--no-write']);
    assert.equal(run.status, 0, run.stderr);
    const report = JSON.parse(run.stdout) as { registries: RegistryBench[] };
    assert.deepEqual(Object.keys(report), ['registries']);
    assert.deepEqual(
      report.registries.map((entry) => [entry.name, entry.agents]),
      [[OMNICLAUDE, 52], ['synthetic 1000', 1000], ['synthetic 10000', 10000]],
    );
    for (const entry of report.registries) {
      assert.equal(entry.strategy, 'lexical');
      for (const field of ['agents', 'load_ms', 'miss_p50_us', 'miss_p99_us', 'hit_p50_us', 'decisions_per_s'] as const) {
        assert.ok(typeof entry[field] === 'number' && entry[field] > 0, `${entry.name} ${field} = ${entry[field]}`);
      }
    }
    assert.equal(await readIfAny(BENCHMARKS_MD), before, '--no-write leaves docs/benchmarks.md alone');
  });

  test(
    'a registry that loads no agent exits 1 instead of benchmarking an empty router',
    async () => {
      const run = await cli(['bench', '--registry', 'fixtures/no-such-dir', '--json', '--no-write']);
      assert.equal(run.status, 1, run.stdout);
      assert.match(run.stderr, /fixtures\/no-such-dir/);
      assert.equal(hasStackTrace(run.stderr), false);
    },
  );
});
