/**
 * `switchboard route` as a user runs it. The default strategy's scores are being tuned, so
 * rankings are asserted only for explicit requests and the reference strategy
 * (`enhanced_fuzzy_matching`); the rest checks shape, flags and exit codes.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RoutingResult } from '../../src/contracts/routing.ts';
import { openRouter } from '../../src/open-router.ts';
import { loadRegistry } from '../../src/registry/load.ts';
import { DEFAULT_MODEL, isModelFetched } from '../../src/embedding/encoder.ts';
import { CONCURRENCY, cli, hasStackTrace, OMNICLAUDE, OMNICLAUDE_INDEX, ROOT, tempDir } from './run-cli.ts';

const FUZZY = ['--strategy', 'enhanced_fuzzy_matching'];
/** The CLI routes with `hybrid` when the embedding model is fetched, `lexical` otherwise. */
const CLI_DEFAULT = isModelFetched(DEFAULT_MODEL) ? 'hybrid' : 'lexical';
const COMMIT = 'write a semantic commit message for the staged changes';
/** Over the central index, the reference strategy ranks three agents for it, from 0.66 down. */
const DEBUG_AND_COMMIT = 'debug the failing tests and commit the fix';

/** `route --json` over the central index file (22 agents, a third of the load time of the whole folder). */
async function routeJson(args: readonly string[], registry = OMNICLAUDE_INDEX): Promise<RoutingResult> {
  const run = await cli(['route', '--registry', registry, '--json', ...args]);
  assert.equal(run.status, 0, run.stderr);
  const lines = run.stdout.trimEnd().split('\n');
  assert.equal(lines.length, 1, 'one JSON object on one line');
  return JSON.parse(lines[0]) as RoutingResult;
}

let omniclaudeVersion: Promise<string> | undefined;
/** The folder's registry_version as this checkout computes it (loaded once). */
function versionOfOmniclaude(): Promise<string> {
  omniclaudeVersion ??= loadRegistry([path.join(ROOT, OMNICLAUDE)]).then((registry) => registry.version);
  return omniclaudeVersion;
}

function sortedKeys(value: object): string[] {
  return Object.keys(value).sort();
}

describe('switchboard route', { concurrency: CONCURRENCY }, () => {
  describe('human output', () => {
    test('shows the decision, the ranked table with every score, and the registry version', async () => {
      const run = await cli(['route', '--registry', OMNICLAUDE, '--min-confidence', '0', COMMIT]);
      assert.equal(run.status, 0, run.stderr);
      const lines = run.stdout.split('\n');
      assert.match(lines[0], /^→ \S+ {2}\(trigger_match, confidence \d\.\d\d\)$/);
      const header = lines.findIndex((line) => /^#\s+agent\s+total\s+trigger\s+context\s+capability\s+history\s+reason$/.test(line));
      assert.ok(header > 0, `a ranked table header in:\n${run.stdout}`);
      assert.match(lines[header + 1], /^1\s+agent-\S+\s+\d\.\d\d\s+\d\.\d\d\s+\d\.\d\d\s+\d\.\d\d\s+\d\.\d\d\s+\S/);
      const version = await versionOfOmniclaude();
      // 52 agents, of which agent-epic-worker is explicit-only: 51 candidates.
      assert.match(run.stdout, new RegExp(`^${CLI_DEFAULT} · 51 candidates · registry ${version} · \\d+\\.\\d{3} ms$`, 'm'));
    });

    test('names the selected agent first', async () => {
      const run = await cli(['route', '--registry', OMNICLAUDE_INDEX, ...FUZZY, COMMIT]);
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, /^→ commit {2}\(trigger_match, confidence 0\.\d\d\)\n/);
      assert.match(run.stdout, /^1\s+commit\s/m);
    });

    test('a no-match says why, shows the closest agents below the threshold, and exits 0', async () => {
      const run = await cli(['route', '--registry', OMNICLAUDE_INDEX, ...FUZZY, '--min-confidence', '1', COMMIT]);
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, /^no match \(no_candidate_above_threshold\)\n/);
      assert.match(run.stdout, /closest, below the confidence threshold:\nagent\s+total\s+reason\ncommit\s+0\.\d\d\s/);
    });

    test('the request may be given as several unquoted words', async () => {
      const run = await cli(['route', '--registry', OMNICLAUDE_INDEX, ...FUZZY, ...COMMIT.split(' ')]);
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, /^→ commit /);
    });
  });

  describe('--json', () => {
    test('prints one completed payload (SPEC §3) with every field', async () => {
      const result = await routeJson(['--min-confidence', '0', COMMIT], OMNICLAUDE);
      assert.deepEqual(sortedKeys(result), ['recommendations', 'routing_metadata', 'routing_policy', 'selected_agent']);
      assert.ok(result.recommendations.length > 0);
      for (const recommendation of result.recommendations) {
        assert.deepEqual(sortedKeys(recommendation), ['agent_name', 'agent_title', 'confidence', 'definition_path', 'reason']);
        assert.deepEqual(sortedKeys(recommendation.confidence), [
          'capability_score',
          'context_score',
          'explanation',
          'historical_score',
          ...(CLI_DEFAULT === 'hybrid' ? ['semantic_score'] : []),
          'total',
          'trigger_score',
        ]);
        for (const field of ['total', 'trigger_score', 'context_score', 'capability_score', 'historical_score'] as const) {
          const value = recommendation.confidence[field];
          assert.ok(typeof value === 'number' && value >= 0 && value <= 1, `${field} = ${value}`);
        }
        assert.match(recommendation.definition_path, /^fixtures\/omniclaude-agents\/.+\.yaml$/);
      }
      assert.equal(result.selected_agent, result.recommendations[0].agent_name);
      assert.equal(result.routing_policy, 'trigger_match');
      const meta = result.routing_metadata;
      assert.deepEqual(sortedKeys(meta), ['cache_hit', 'candidates_evaluated', 'registry_version', 'routing_strategy', 'routing_time_ms']);
      assert.equal(meta.cache_hit, false);
      assert.equal(meta.routing_strategy, CLI_DEFAULT);
      assert.equal(meta.registry_version, await versionOfOmniclaude());
      assert.ok(Number.isInteger(meta.candidates_evaluated) && meta.candidates_evaluated > 0 && meta.candidates_evaluated <= 52);
      assert.equal(typeof meta.routing_time_ms, 'number');
    });

    test('a no-match payload has selected_agent null, a reason and no recommendations', async () => {
      const result = await routeJson([...FUZZY, '--min-confidence', '1', COMMIT]);
      assert.equal(result.selected_agent, null);
      assert.equal(result.routing_policy, 'no_match');
      assert.equal(result.reason, 'no_candidate_above_threshold');
      assert.deepEqual(result.recommendations, []);
    });

    test('every flag reaches the router: the payload equals the in-process decision', async () => {
      const registry = path.join(ROOT, OMNICLAUDE_INDEX);
      const run = await cli([
        'route', '--registry', registry, '--json', ...FUZZY, '--max', '2', '--min-confidence', '0.1',
        '--context', 'domain=version_control', '-c', 'current_file=src/app.ts', 'commit', 'and', 'review', 'the', 'pr',
      ]);
      assert.equal(run.status, 0, run.stderr);
      const fromCli = JSON.parse(run.stdout) as RoutingResult;
      const { router } = await openRouter([registry], { cache: false });
      const inProcess = await router.route({
        user_request: 'commit and review the pr',
        context: { domain: 'version_control', current_file: 'src/app.ts' },
        options: { routing_strategy: 'enhanced_fuzzy_matching', max_recommendations: 2, min_confidence: 0.1 },
      });
      const untimed = (result: RoutingResult) => ({ ...result, routing_metadata: { ...result.routing_metadata, routing_time_ms: 0 } });
      assert.deepEqual(untimed(fromCli), untimed(inProcess));
      assert.equal(fromCli.recommendations.length, 2, 'precondition: more than two candidates');
    });

    test('--max caps the recommendations', async () => {
      const result = await routeJson([...FUZZY, '--max', '1', '--min-confidence', '0', DEBUG_AND_COMMIT]);
      assert.equal(result.recommendations.length, 1);
      assert.equal(result.selected_agent, 'debug-intelligence');
    });

    test('--min-confidence sets the threshold a recommendation must reach', async () => {
      const all = await routeJson([...FUZZY, '--min-confidence', '0', DEBUG_AND_COMMIT]);
      const strict = await routeJson([...FUZZY, '--min-confidence', '0.6', DEBUG_AND_COMMIT]);
      assert.ok(all.recommendations.some((r) => r.confidence.total < 0.6), 'precondition: a candidate below 0.6');
      assert.ok(strict.recommendations.length > 0);
      assert.ok(strict.recommendations.every((r) => r.confidence.total >= 0.6));
      assert.deepEqual(
        strict.recommendations.map((r) => r.agent_name),
        all.recommendations.filter((r) => r.confidence.total >= 0.6).map((r) => r.agent_name),
      );
    });

    test('--context domain=… is the request domain (reference strategy: 1.0 equal, 0.4 different)', async () => {
      const same = await routeJson([...FUZZY, '--context', 'domain=version_control', COMMIT]);
      const other = await routeJson([...FUZZY, '--context', 'domain=security', '--min-confidence', '0', COMMIT]);
      assert.equal(same.selected_agent, 'commit');
      assert.equal(same.recommendations[0].confidence.context_score, 1);
      const commit = other.recommendations.find((r) => r.agent_name === 'commit');
      assert.equal(commit?.confidence.context_score, 0.4);
    });

    test('--strategy enhanced_fuzzy_matching is recorded in the metadata', async () => {
      const result = await routeJson([...FUZZY, COMMIT]);
      assert.equal(result.routing_metadata.routing_strategy, 'enhanced_fuzzy_matching');
      assert.equal(result.selected_agent, 'commit');
    });

    test('@agent-commit selects agent-commit explicitly with confidence 1.0', async () => {
      const result = await routeJson(['@agent-commit', 'deploy the kubernetes cluster'], OMNICLAUDE);
      assert.equal(result.selected_agent, 'agent-commit');
      assert.equal(result.routing_policy, 'explicit_request');
      assert.equal(result.recommendations[0].confidence.total, 1);
      assert.equal(result.recommendations[0].definition_path, 'fixtures/omniclaude-agents/commit.yaml');
    });
  });

  describe('bad input exits 2 with a clear message and no stack trace', () => {
    for (const [label, request, message] of [
      ['an empty request', '', /^switchboard: user_request is empty or whitespace only$/m],
      ['a whitespace-only request', ' \t\n ', /^switchboard: user_request is empty or whitespace only$/m],
      ['a 10,001-character request', 'x'.repeat(10_001), /^switchboard: user_request is 10001 characters; the limit is 10000$/m],
      ['a binary request', '\u0001\u0002\u0003\u0004 commit', /^switchboard: user_request looks binary \(a NUL or mostly control characters\), not text$/m],
    ] as const) {
      test(label, async () => {
        const run = await cli(['route', '--registry', OMNICLAUDE_INDEX, request]);
        assert.equal(run.status, 2);
        assert.match(run.stderr, message);
        assert.equal(hasStackTrace(run.stderr), false, run.stderr);
        assert.equal(run.stdout, '');
      });
    }

    for (const [label, args, message] of [
      ['--max 0', ['--max', '0'], /max_recommendations must be in 1\.\.10, got 0/],
      ['--max abc', ['--max', 'abc'], /--max expects a number, got 'abc'/],
      ['--max 11', ['--max', '11'], /max_recommendations must be in 1\.\.10/],
      ['--min-confidence 2', ['--min-confidence', '2'], /min_confidence must be in 0\.\.1/],
      ['--context without =', ['--context', 'domain'], /--context expects key=value, got 'domain'/],
      ['an unknown --strategy', ['--strategy', 'no_such'], /unknown routing_strategy 'no_such'; known: .*enhanced_fuzzy_matching/],
    ] as const) {
      test(label, async () => {
        const run = await cli(['route', '--registry', OMNICLAUDE_INDEX, ...args, 'write a commit message']);
        assert.equal(run.status, 2);
        assert.match(run.stderr, message);
        assert.equal(hasStackTrace(run.stderr), false, run.stderr);
        assert.equal(run.stdout, '');
      });
    }

    test('no request at all', async () => {
      const run = await cli(['route', '--registry', OMNICLAUDE_INDEX]);
      assert.equal(run.status, 2);
      assert.match(run.stderr, /route needs a request/);
    });
  });

  test('a one-shot run keeps the lexical index in the cache folder; the next decides the same from it, or rebuilds a damaged one', async (t) => {
    const env = { SWITCHBOARD_CACHE_DIR: await tempDir(t) };
    const route = async () => {
      const run = await cli(['route', '--registry', OMNICLAUDE, '--strategy', 'lexical', '--json', '--min-confidence', '0', COMMIT], { env });
      assert.equal(run.status, 0, run.stderr);
      const result = JSON.parse(run.stdout) as RoutingResult;
      return { ...result, routing_metadata: { ...result.routing_metadata, routing_time_ms: 0 } };
    };
    const built = await route();
    const [snapshot] = (await readdir(env.SWITCHBOARD_CACHE_DIR)).filter((file) => file.endsWith('.lexical-index.json'));
    assert.ok(snapshot, 'a lexical index snapshot beside the parse cache');
    const file = path.join(env.SWITCHBOARD_CACHE_DIR, snapshot);
    const kept = await readFile(file);
    assert.deepEqual(await route(), built);
    await writeFile(file, kept.subarray(0, kept.length / 2));
    assert.deepEqual(await route(), built);
    assert.deepEqual(await readFile(file), kept, 'the damaged snapshot was written again');
  });

  describe('registry selection', () => {
    test('without --registry, SWITCHBOARD_REGISTRY or ./.claude/agents, exits 2 saying how to give one', async (t) => {
      const run = await cli(['route', 'write a commit message'], { cwd: await tempDir(t) });
      assert.equal(run.status, 2);
      assert.match(run.stderr, /^switchboard: no registry: pass --registry DIR\|FILE, set SWITCHBOARD_REGISTRY, or run where \.\/\.claude\/agents exists$/m);
      assert.equal(hasStackTrace(run.stderr), false);
    });

    test('SWITCHBOARD_REGISTRY is used when --registry is absent', async (t) => {
      const run = await cli(['route', '--json', '@commit hello'], {
        cwd: await tempDir(t),
        env: { SWITCHBOARD_REGISTRY: path.join(ROOT, OMNICLAUDE_INDEX) },
      });
      assert.equal(run.status, 0, run.stderr);
      const result = JSON.parse(run.stdout) as RoutingResult;
      assert.equal(result.selected_agent, 'commit');
      assert.equal(result.routing_policy, 'explicit_request');
    });

    test('./.claude/agents in the working directory is the last default', async (t) => {
      const dir = await tempDir(t);
      await mkdir(path.join(dir, '.claude/agents'), { recursive: true });
      await writeFile(
        path.join(dir, '.claude/agents/commit-writer.md'),
        '---\nname: commit-writer\ndescription: Use this agent when the user wants a git commit message written.\n---\nYou write commit messages.\n',
      );
      const run = await cli(['route', '--json', '@commit-writer please'], { cwd: dir });
      assert.equal(run.status, 0, run.stderr);
      const result = JSON.parse(run.stdout) as RoutingResult;
      assert.equal(result.selected_agent, 'commit-writer');
      assert.equal(result.routing_metadata.candidates_evaluated, 1);
    });

    test('a registry path that does not exist exits 1 naming it, without a stack trace', async () => {
      const run = await cli(['route', '--registry', 'fixtures/no-such-dir', 'write a commit message']);
      assert.equal(run.status, 1);
      assert.match(run.stderr, /fixtures\/no-such-dir/);
      assert.match(run.stderr, /^switchboard: no agents loaded from fixtures\/no-such-dir/m);
      assert.equal(hasStackTrace(run.stderr), false, run.stderr);
    });
  });
});
