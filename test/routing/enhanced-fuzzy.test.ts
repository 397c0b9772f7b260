import { NOTHING_LEARNED } from '../../src/routing/learned-examples.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { DEFAULT_MIN_CONFIDENCE, type RoutingContext } from '../../src/contracts/routing.ts';
import { loadRegistry } from '../../src/registry/load.ts';
import type { Registry } from '../../src/registry/agent.ts';
import type { Candidate, HistoricalScores } from '../../src/routing/strategy.ts';
import { enhancedFuzzyMatching } from '../../src/routing/strategies/enhanced-fuzzy.ts';
import { registryOf } from './registry-fixture.ts';

const REGISTRY_FILE = fileURLToPath(new URL('../../fixtures/omniclaude-agents/agent-registry.yaml', import.meta.url));
const CORPUS_FILE = new URL('../../eval/omniclaude/golden_corpus.json', import.meta.url);
const MIN_AGREEMENT = 0.98;

interface GoldenEntry {
  readonly id: number;
  readonly prompt: string;
  readonly expected: { readonly selected_agent: string; readonly confidence: number };
}

interface GoldenCorpus {
  readonly tolerance: { readonly confidence: number };
  readonly entries: readonly GoldenEntry[];
}

async function rank(registry: Registry, text: string, context: RoutingContext = {}, historical: HistoricalScores = () => undefined) {
  return (await enhancedFuzzyMatching.prepare(registry, {})).rank({ text, plainText: text, context, historical, learned: NOTHING_LEARNED });
}

const summary = (candidate: Candidate) => [candidate.agent.name, candidate.reason];

test('reproduces the reference router on the golden corpus', async (t) => {
  const registry = await loadRegistry([REGISTRY_FILE]);
  const corpus = JSON.parse(await readFile(CORPUS_FILE, 'utf8')) as GoldenCorpus;
  const prepared = await enhancedFuzzyMatching.prepare(registry, {});
  const misses: string[] = [];
  for (const entry of corpus.entries) {
    const [top] = prepared.rank({ text: entry.prompt, plainText: entry.prompt, context: {}, historical: () => undefined, learned: NOTHING_LEARNED });
    // The corpus harness's decision: the top candidate at or above 0.5, else no match (written as "" at 0.5).
    const selected = top !== undefined && top.score.total >= DEFAULT_MIN_CONFIDENCE ? top : undefined;
    const agent = selected?.agent.name ?? '';
    const confidence = selected?.score.total ?? DEFAULT_MIN_CONFIDENCE;
    const { expected } = entry;
    if (agent !== expected.selected_agent || Math.abs(confidence - expected.confidence) > corpus.tolerance.confidence) {
      misses.push(
        `#${entry.id} ${JSON.stringify(entry.prompt)}: expected ${expected.selected_agent || '(none)'} ` +
          `${expected.confidence}, got ${agent || '(none)'} ${confidence.toFixed(3)} (${selected?.reason ?? 'no match'})`,
      );
    }
  }
  const agreed = corpus.entries.length - misses.length;
  t.diagnostic(`agreement ${agreed}/${corpus.entries.length}`);
  for (const miss of misses) t.diagnostic(`miss ${miss}`);
  assert.ok(agreed >= MIN_AGREEMENT * corpus.entries.length, misses.join('\n'));
});

test('an exact whole-word match scores 1.0 and quotes the trigger as written', async () => {
  const registry = registryOf([
    { name: 'pr-workflow', triggers: ['Create PR workflow'], capabilities: ['pr_workflow_orchestration'], domain: 'pull_requests' },
  ]);
  const [candidate] = await rank(registry, 'Please create PR workflow for this branch');
  assert.equal(candidate.reason, "Exact match: 'Create PR workflow'");
  assert.deepEqual(candidate.score, { total: 0.4 + 0.3 * 0.7 + 0.2 * 0 + 0.1 * 0.5, trigger: 1, context: 0.7, capability: 0, historical: 0.5 });
  assert.equal(candidate.explanation, 'pr-workflow: Strong trigger match, good context fit');
  assert.deepEqual(
    (await rank(registry, 'create PR workflows')).map(summary),
    [['pr-workflow', "Fuzzy match: 'Create PR workflow' (97%)"]],
    'a partial word is no exact match',
  );
});

test('a fuzzy match scores 0.9 × the difflib similarity, shown as a whole percent', async () => {
  const registry = registryOf([{ name: 'testing', triggers: ['test'], domain: 'quality_assurance' }]);
  const [candidate] = await rank(registry, 'Write some tests for the parser');
  assert.equal(candidate.reason, "Fuzzy match: 'test' (89%)");
  assert.equal(candidate.score.trigger, (8 / 9) * 0.9);
  assert.equal(candidate.explanation, 'testing: Good trigger match, good context fit');
});

test('keyword and capability overlap count the share of request keywords', async () => {
  const registry = registryOf([
    { name: 'reviewer', triggers: ['code review', 'review changes'] },
    { name: 'debugger', triggers: ['stack trace'], capabilities: ['debugging', 'root_cause_analysis'] },
  ]);
  assert.deepEqual((await rank(registry, 'Can you review these code changes?')).map(summary), [['reviewer', 'Keyword overlap (100%)']]);
  const [debuggerCandidate] = await rank(registry, 'debugging');
  assert.equal(debuggerCandidate.reason, 'Capability match (100%)');
  assert.equal(debuggerCandidate.score.trigger, 0.7);
  assert.equal(debuggerCandidate.score.capability, 0.5, 'one of two capabilities is a word of the request');
});

test('a single-word trigger needs an invoking context unless it is a domain word', async () => {
  const registry = registryOf([
    { name: 'commit', triggers: ['commit'] },
    { name: 'debug', triggers: ['debug'] },
  ]);
  assert.deepEqual((await rank(registry, 'commit')).map(summary), [['commit', 'Keyword overlap (100%)']]);
  assert.deepEqual((await rank(registry, 'run commit on the staged files')).map(summary), [['commit', "Exact match: 'commit'"]]);
  assert.deepEqual((await rank(registry, 'commit and handle the release')).map(summary), [['commit', "Exact match: 'commit'"]]);
  assert.deepEqual((await rank(registry, 'debug this')).map(summary), [['debug', "Exact match: 'debug'"]]);
});

test('talk about polymorphism as a technique blocks all but domain-word triggers', async () => {
  const registry = registryOf([
    { name: 'api', triggers: ['api design'] },
    { name: 'debug', triggers: ['debug'] },
  ]);
  assert.deepEqual(await rank(registry, 'We need a polymorphic architecture design'), []);
  assert.deepEqual((await rank(registry, 'Debug the polymorphism in the api design')).map(summary), [['debug', "Exact match: 'debug'"]]);
});

test('context, capability and historical scores follow the reference', async () => {
  const registry = registryOf([
    { name: 'perf', triggers: ['benchmark'], capabilities: ['profiling', 'tuning'], domain: 'performance' },
    { name: 'any', triggers: ['benchmark'] },
  ]);
  const byName = (candidates: Candidate[]) => new Map(candidates.map((c) => [c.agent.name, c]));
  const same = byName(await rank(registry, 'benchmark and profiling', { domain: 'performance' }, () => 0.9));
  assert.equal(same.get('perf')?.score.context, 1);
  assert.equal(same.get('perf')?.score.capability, 0.5);
  assert.equal(same.get('perf')?.score.historical, 0.9);
  assert.equal(same.get('perf')?.explanation, 'perf: Strong trigger match, perfect context alignment, proven track record');
  assert.equal(same.get('any')?.score.context, 0.7, 'a general agent fits any domain');
  assert.equal(same.get('any')?.score.capability, 0.5, 'no capabilities is neutral');
  const other = byName(await rank(registry, 'benchmark', { domain: 'security' }));
  assert.equal(other.get('perf')?.score.context, 0.4);
  assert.equal(other.get('perf')?.score.historical, 0.5, 'unknown history is neutral');
  assert.equal(byName(await rank(registry, 'benchmark')).get('any')?.score.context, 1, 'general equals general');
});

test('candidates are sorted by total, ties in registry order', async () => {
  const registry = registryOf([
    { name: 'b-second', triggers: ['performance'] },
    { name: 'a-weaker', triggers: ['perf tuning'] },
    { name: 'c-third', triggers: ['performance'] },
  ]);
  assert.deepEqual(
    (await rank(registry, 'improve performance')).map((c) => c.agent.name),
    ['b-second', 'c-third'],
  );
  assert.deepEqual(
    (await rank(registry, 'performance tuning')).map((c) => c.agent.name),
    ['b-second', 'c-third', 'a-weaker'],
  );
});

test('context triggers count for agents outside the central index only', async () => {
  const triggers = { triggers: ['agent registry'], contextTriggers: ['searching for the right agent'] };
  const registry = registryOf([
    { name: 'onex', sourceFormat: 'onex', ...triggers },
    { name: 'index', sourceFormat: 'central_index', ...triggers },
  ]);
  assert.deepEqual((await rank(registry, 'I am searching for the right agent')).map(summary), [
    ['onex', "Exact match: 'searching for the right agent'"],
  ]);
});

test('agents without evidence are left out', async () => {
  const registry = registryOf([{ name: 'commit', triggers: ['git commit'] }, { name: 'silent' }]);
  assert.deepEqual(await rank(registry, 'How do I make pasta carbonara?'), []);
});
