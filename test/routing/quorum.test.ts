import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_MODEL, loadEncoder } from '../../src/embedding/encoder.ts';
import type { Encoder } from '../../src/embedding/encoder-types.ts';
import { embeddingServices } from '../../src/embedding/services.ts';
import { Router } from '../../src/routing/router.ts';
import type { Candidate, ScoringStrategy } from '../../src/routing/strategy.ts';
import { createQuorum, quorum } from '../../src/routing/strategies/quorum/index.ts';
import { skipUnlessFetched } from '../embedding/model-gate.ts';
import { registryOf } from './registry-fixture.ts';

const registry = registryOf([
  { name: 'commit-writer', description: 'Writes git commit messages for staged changes', triggers: ['commit message', 'git commit'] },
  { name: 'k8s-deployer', description: 'Deploys services to Kubernetes clusters with Helm charts', triggers: ['kubernetes', 'helm', 'deploy'] },
  { name: 'sql-tuner', description: 'Finds slow database queries and fixes them with indexes', triggers: ['slow query', 'database index'] },
]);

/** A member that ranks every request the same way: `[agent, confidence]` pairs, best first. */
function member(name: string, ranking: readonly [string, number][]): ScoringStrategy {
  return {
    name,
    description: `fixed ranking for tests (${name})`,
    prepare: (reg) => ({
      rank: () =>
        ranking.map(([agent, total]): Candidate => ({
          agent: reg.byName.get(agent)!,
          score: { total, trigger: 0, context: 0.7, capability: 0, historical: 0.5 },
          reason: `${name} likes ${agent}`,
          explanation: `${agent}: ${total}`,
        })),
    }),
  };
}

async function route(members: readonly ScoringStrategy[], options: { threshold?: number; min_confidence?: number } = {}) {
  const strategy = createQuorum({ members, threshold: options.threshold ?? 0.5 });
  const router = await Router.create(registry, { strategies: new Map([[strategy.name, strategy]]), defaultStrategy: strategy.name, cache: false });
  return router.route({ user_request: 'any request', options: { min_confidence: options.min_confidence ?? 0.5, max_recommendations: 10 } });
}

const names = (result: { recommendations: { agent_name: string }[] }) => result.recommendations.map((r) => r.agent_name);

describe('quorum vote', () => {
  test('members that agree select their agent at the mean of their confidences, named as unanimous', async () => {
    const result = await route([member('a', [['sql-tuner', 0.9]]), member('b', [['sql-tuner', 0.7]]), member('c', [['sql-tuner', 0.8]])]);
    assert.equal(result.selected_agent, 'sql-tuner');
    const [top] = result.recommendations;
    assert.equal(top.confidence.total, 0.8);
    assert.match(top.confidence.explanation, /^sql-tuner: Strong match \(0\.80\), first choice of 3 of 3 strategies \(a, b, c\)$/);
    assert.match(top.reason, /^First choice of 3 of 3 strategies \(a, b, c\); a: a likes sql-tuner$/);
  });

  test('a confident second place from two members outvotes one member sure of another agent', async () => {
    const result = await route([
      member('a', [['k8s-deployer', 0.95]]),
      member('b', [['commit-writer', 0.6], ['k8s-deployer', 0.9]]),
      member('c', [['sql-tuner', 0.6], ['k8s-deployer', 0.9]]),
    ]);
    // k8s-deployer: 0.95 + 0.9/2 + 0.9/2 against 0.6 for each of the others.
    assert.deepEqual(names(result), ['k8s-deployer']);
    assert.equal(result.recommendations[0].confidence.total, 0.916667);
  });

  test('a member that ranks an agent lower, or not at all, pulls its confidence down', async () => {
    const result = await route([member('a', [['sql-tuner', 0.9]]), member('b', [['commit-writer', 0.9]]), member('c', [['sql-tuner', 0.9]])], {
      min_confidence: 0,
    });
    assert.deepEqual(names(result), ['sql-tuner', 'commit-writer']);
    assert.deepEqual(result.recommendations.map((r) => r.confidence.total), [0.6, 0.3]);
  });

  test('below the agreement threshold the top candidate is still selected, flagged contested with the dissent', async () => {
    const result = await route([member('a', [['sql-tuner', 0.9]]), member('b', [['commit-writer', 0.8]]), member('c', [['k8s-deployer', 0.7]])], {
      min_confidence: 0,
    });
    assert.equal(result.selected_agent, 'sql-tuner');
    const [top, ...rest] = result.recommendations;
    assert.match(top.reason, /^Contested, first choice of 1 of 3 strategies \(a\); a: a likes sql-tuner$/);
    assert.match(top.confidence.explanation, /contested, first choice of 1 of 3 strategies \(a\); b preferred commit-writer, c preferred k8s-deployer$/);
    for (const other of rest) assert.doesNotMatch(`${other.reason} ${other.confidence.explanation}`, /contested/i, 'only the decision is contested');
  });

  test('the threshold is the share of voting members: at it the decision stands uncontested, above it is contested', async () => {
    const members = [member('a', [['sql-tuner', 0.9]]), member('b', [['sql-tuner', 0.9]]), member('c', [['commit-writer', 0.8]])];
    assert.doesNotMatch((await route(members, { threshold: 2 / 3 })).recommendations[0].reason, /Contested/);
    assert.match((await route(members, { threshold: 0.9 })).recommendations[0].reason, /^Contested, first choice of 2 of 3/);
  });

  test('a member that finds nothing abstains: it neither dilutes the confidence nor counts against agreement', async () => {
    const result = await route([member('a', [['sql-tuner', 0.8]]), member('silent', []), member('c', [['sql-tuner', 0.6]])]);
    const [top] = result.recommendations;
    assert.equal(top.confidence.total, 0.7);
    assert.match(top.confidence.explanation, /first choice of 2 of 2 strategies \(a, c\); silent found no candidate$/);
  });

  test('when every member abstains the answer is empty_candidates', async () => {
    const result = await route([member('a', []), member('b', [])]);
    assert.equal(result.selected_agent, null);
    assert.equal(result.reason, 'empty_candidates');
  });

  test('equal support keeps registry order, whatever order the members list the agents in', async () => {
    for (const members of [
      [member('a', [['sql-tuner', 0.8]]), member('b', [['commit-writer', 0.8]])],
      [member('b', [['commit-writer', 0.8]]), member('a', [['sql-tuner', 0.8]])],
    ]) {
      assert.deepEqual(names(await route(members, { min_confidence: 0 })), ['commit-writer', 'sql-tuner']);
    }
  });

  test('totals never rise down the ranking, so min_confidence cuts a prefix of it', async () => {
    // sql-tuner has less support than k8s-deployer (second places) but a higher mean confidence.
    const result = await route(
      [member('a', [['k8s-deployer', 0.6], ['sql-tuner', 0.9]]), member('b', [['k8s-deployer', 0.6], ['sql-tuner', 0.5]])],
      { min_confidence: 0 },
    );
    assert.deepEqual(names(result), ['k8s-deployer', 'sql-tuner']);
    assert.deepEqual(result.recommendations.map((r) => r.confidence.total), [0.6, 0.6]);
  });
});

test('quorum embeds when a member does, and votes lexical, semantic, hybrid and the reference algorithm', () => {
  assert.equal(quorum.usesEmbeddings, true);
  assert.match(quorum.description, /lexical, semantic, hybrid, enhanced_fuzzy_matching/);
  assert.equal(createQuorum({ members: [member('a', [])], threshold: 0.5 }).usesEmbeddings, false);
});

describe(`built-in quorum with the real ${DEFAULT_MODEL}`, { skip: skipUnlessFetched(DEFAULT_MODEL) }, () => {
  let encoder: Encoder;
  let vectorDir: string;
  before(async () => {
    encoder = await loadEncoder(DEFAULT_MODEL);
    vectorDir = await mkdtemp(path.join(tmpdir(), 'switchboard-vectors-'));
  });
  after(async () => {
    await encoder?.close();
    await rm(vectorDir, { recursive: true, force: true });
  });

  test('a request in one agent\'s words is every member\'s first choice; the request is embedded once', async () => {
    let embedded = 0;
    const counting: Encoder = { ...encoder, embedQuery: (text) => (embedded++, encoder.embedQuery(text)), embedPassage: (text) => encoder.embedPassage(text), close: async () => {} };
    const router = await Router.create(registry, { ...embeddingServices(counting, vectorDir), defaultStrategy: 'quorum', cache: false });
    const result = await router.route({ user_request: 'write a git commit message for my staged changes' });
    assert.equal(result.selected_agent, 'commit-writer');
    assert.match(result.recommendations[0].confidence.explanation, /first choice of 4 of 4 strategies \(lexical, semantic, hybrid, enhanced_fuzzy_matching\)/);
    assert.ok(result.recommendations[0].confidence.semantic_score! > 0);
    assert.equal(embedded, 1);
  });

  test('the same request on two fresh routers gives the same ranking and explanations', async () => {
    const decide = async () =>
      (await Router.create(registry, { ...embeddingServices(encoder, vectorDir), defaultStrategy: 'quorum', cache: false })).route({
        user_request: 'the orders report is slow because of a table scan',
        options: { min_confidence: 0 },
      });
    const [a, b] = [await decide(), await decide()];
    assert.deepEqual(a.recommendations, b.recommendations);
    assert.equal(a.selected_agent, 'sql-tuner');
  });
});
