import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_MODEL, loadEncoder } from '../../src/embedding/encoder.ts';
import type { Encoder } from '../../src/embedding/encoder-types.ts';
import { embeddingServices } from '../../src/embedding/services.ts';
import { NOTHING_LEARNED } from '../../src/routing/learned-examples.ts';
import { Router } from '../../src/routing/router.ts';
import { AgentVectors } from '../../src/routing/strategies/semantic/agent-vectors.ts';
import { SwitchboardError } from '../../src/errors.ts';
import { skipUnlessFetched } from '../embedding/model-gate.ts';
import { loadRegistry } from '../../src/registry/load.ts';
import { FIXTURES } from '../registry/helpers.ts';
import { registryOf } from './registry-fixture.ts';

const registry = registryOf([
  {
    name: 'commit-writer',
    description: 'Writes git commit messages in the conventional commits format for staged changes',
    triggers: ['commit message', 'git commit'],
  },
  {
    name: 'k8s-deployer',
    description: 'Deploys services to Kubernetes clusters with Helm charts and rollout strategies',
    triggers: ['kubernetes', 'helm', 'deploy'],
  },
  {
    name: 'sql-tuner',
    description: 'Finds slow database queries and fixes them with indexes and better query plans',
    triggers: ['slow query', 'database index'],
  },
]);

describe(`with the real ${DEFAULT_MODEL}`, { skip: skipUnlessFetched(DEFAULT_MODEL) }, () => {
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

  describe('semantic and hybrid strategies', () => {
    const router = (strategy: string) =>
      Router.create(registry, { ...embeddingServices(encoder, vectorDir), defaultStrategy: strategy, cache: false });

    for (const strategy of ['semantic', 'hybrid']) {
      test(`${strategy}: a paraphrase sharing no trigger word reaches the right agent`, async () => {
        const result = await (await router(strategy)).route({
          user_request: 'our reports page takes forever because the orders table lookup scans everything',
          options: { min_confidence: 0 },
        });
        assert.equal(result.recommendations[0].agent_name, 'sql-tuner');
      });

      test(`${strategy}: the breakdown carries the semantic component and names the closest text`, async () => {
        const result = await (await router(strategy)).route({ user_request: 'roll out the new api version to the cluster', options: { min_confidence: 0 } });
        const [top] = result.recommendations;
        assert.equal(top.agent_name, 'k8s-deployer');
        assert.ok(top.confidence.semantic_score !== undefined && top.confidence.semantic_score > 0 && top.confidence.semantic_score <= 1);
        assert.match(top.reason, /Similar to its (profile|trigger|capability|body) '/);
        assert.ok(result.recommendations.every((r, i, all) => i === 0 || all[i - 1].confidence.total >= r.confidence.total));
      });

      test(`${strategy}: the same request twice gives the same decision`, async () => {
        const request = { user_request: 'describe what I staged so the history reads well', options: { min_confidence: 0 } };
        const [a, b] = [await (await router(strategy)).route(request), await (await router(strategy)).route(request)];
        assert.deepEqual(a.recommendations, b.recommendations);
      });
    }

    test('semantic: one sentence of a longer description is matched on its own, and quoted', async () => {
      const described = registryOf([
        ...registry.agents.map((agent) => ({ name: agent.name, description: agent.description, triggers: [...agent.triggers] })),
        {
          name: 'release-manager',
          description: 'Plans release trains, freezes branches and writes the changelog of each version. Rolls back a broken deploy in minutes.',
        },
      ]);
      const semantic = await Router.create(described, { ...embeddingServices(encoder, vectorDir), defaultStrategy: 'semantic', cache: false });
      const result = await semantic.route({ user_request: 'undo the deploy that just broke the site', options: { min_confidence: 0 } });
      assert.equal(result.recommendations[0].agent_name, 'release-manager');
      assert.match(result.recommendations[0].reason, /Similar to its description 'Rolls back a broken deploy in minutes\.'/);
    });

    test('hybrid answers no match for a request no agent serves', async () => {
      for (const request of ['recommend a mechanical keyboard under $100', 'write a wedding toast', 'what time zone is Singapore in']) {
        const result = await (await router('hybrid')).route({ user_request: request });
        assert.equal(result.selected_agent, null, request);
        assert.equal(result.reason, 'no_candidate_above_threshold');
      }
    });

    test('hybrid answers a request in the registry\'s field that no definition words well, and not one from another field', async () => {
      const omniclaude = await loadRegistry([path.join(FIXTURES, 'omniclaude-agents')]);
      const hybrid = await Router.create(omniclaude, { ...embeddingServices(encoder, vectorDir), defaultStrategy: 'hybrid' });
      const inField = await hybrid.route({ user_request: 'make the product search page load faster, it takes 6 seconds on a cold cache' });
      assert.equal(inField.selected_agent, 'agent-performance');
      for (const request of ['what time zone is Singapore in', 'recommend a podcast about ancient Rome']) {
        assert.equal((await hybrid.route({ user_request: request })).selected_agent, null, request);
      }
    });

    test('hybrid selects the agent a plain request names by its job', async () => {
      const result = await (await router('hybrid')).route({ user_request: 'write the commit message for my staged changes' });
      assert.equal(result.selected_agent, 'commit-writer');
    });

    test('hybrid names the runner-up in the first reason when the call is close, and only then', async () => {
      const twins = registryOf([
        ...registry.agents.map(({ name, description, triggers }) => ({ name, description, triggers: [...triggers] })),
        {
          name: 'commit-polisher',
          description: 'Writes git commit messages in the conventional commits format for staged changes, and rewords old ones',
          triggers: ['commit message', 'reword commit'],
        },
      ]);
      const hybrid = await Router.create(twins, { ...embeddingServices(encoder, vectorDir), defaultStrategy: 'hybrid', cache: false });
      const close = await hybrid.route({ user_request: 'write a commit message for the staged changes' });
      const [first, second] = close.recommendations;
      assert.match(first.reason, new RegExp(`; close call with ${second.agent_name}$`));
      assert.match(first.confidence.explanation, new RegExp(`a close call with ${second.agent_name}$`));
      assert.doesNotMatch(second.reason, /close call/);
      const clear = await hybrid.route({ user_request: 'roll out the new image to the kubernetes cluster with helm' });
      assert.equal(clear.selected_agent, 'k8s-deployer');
      assert.doesNotMatch(clear.recommendations[0].reason, /close call/);
    });

    test('an explicit request is answered without embedding the request', async () => {
      let embedded = 0;
      const counting: Encoder = { ...encoder, embedQuery: (text) => (embedded++, encoder.embedQuery(text)), embedPassage: (text) => encoder.embedPassage(text), close: async () => {} };
      const hybrid = await Router.create(registry, { ...embeddingServices(counting, vectorDir), defaultStrategy: 'hybrid' });
      const result = await hybrid.route({ user_request: '@sql-tuner look at this' });
      assert.equal(result.selected_agent, 'sql-tuner');
      assert.equal(embedded, 0);
    });
  });

  describe('a registry described by examples', () => {
    // Every agent has enough examples for the examples' classifier (describedByExamples).
    const byExamples = {
      ...registryOf([
        {
          name: 'card-freeze',
          description: 'Card freeze',
          examples: ['freeze my card', 'i lost my debit card, lock it', 'block my credit card now', 'my wallet was stolen, stop my card', 'pause my card for a while', 'can you put a hold on my card'],
        },
        {
          name: 'balance',
          description: 'Balance',
          examples: ['what is my balance', 'how much money do i have', 'show my checking account balance', 'how much is left in savings', 'tell me my account total', 'what funds are available'],
        },
        {
          name: 'transfer',
          description: 'Transfer',
          examples: ['send 50 dollars to my sister', 'move money to savings', 'transfer funds between my accounts', 'wire money to my landlord', 'pay back my friend 20 dollars', 'move 100 from checking to savings'],
        },
      ]),
      version: 'test-examples',
    };

    test('hybrid trains its classifier once per registry version and model, then reads it from disk', async () => {
      const services = embeddingServices(encoder, vectorDir);
      let trained = 0;
      const counting = { ...services, keepComputed: (key: string, length: number, compute: () => Promise<Float32Array>) => services.keepComputed(key, length, () => (trained++, compute())) };
      const first = await Router.create(byExamples, { ...counting, defaultStrategy: 'hybrid', cache: false });
      const second = await Router.create(byExamples, { ...counting, defaultStrategy: 'hybrid', cache: false });
      assert.equal(trained, 1);
      for (const [request, agent] of [['someone took my purse, lock the card', 'card-freeze'], ['how much cash is in my account', 'balance'], ['send my brother 30 dollars', 'transfer']]) {
        const [a, b] = [await first.route({ user_request: request }), await second.route({ user_request: request })];
        assert.equal(a.selected_agent, agent, request);
        assert.deepEqual(b.recommendations, a.recommendations, 'the kept classifier decides as the trained one');
      }
    });
  });

  describe('learning from successful outcomes', () => {
    // A request in words none of the agents' own texts use; one served example teaches it.
    // The lexical strategy learns from near repeats (most weighted words shared); the
    // embedding strategies also from rewordings.
    const served = 'the nightly ledger reconciliation job is stuck again';
    const similarFor: Record<string, string> = {
      lexical: 'the ledger reconciliation job is stuck again tonight',
      semantic: 'ledger reconciliation stuck overnight, please look',
      hybrid: 'ledger reconciliation stuck overnight, please look',
    };

    for (const [strategy, similar] of Object.entries(similarFor)) {
      test(`${strategy}: a request recorded as served well pulls similar requests to its agent`, async () => {
        const router = await Router.create(registry, { ...embeddingServices(encoder, vectorDir), defaultStrategy: strategy });
        const before = await router.route({ user_request: similar, options: { min_confidence: 0 } });
        assert.ok(await router.learn(served, 'sql-tuner'));
        assert.equal(await router.learn(served, 'sql-tuner'), false, 'the same utterance is kept once');
        const after = await router.route({ user_request: similar, options: { min_confidence: 0 } });
        assert.equal(after.routing_metadata.cache_hit, false, 'learning invalidates cached decisions');
        assert.equal(after.recommendations[0].agent_name, 'sql-tuner');
        const score = (result: typeof before) => result.recommendations.find((r) => r.agent_name === 'sql-tuner')?.confidence.total ?? 0;
        assert.ok(score(after) > score(before), `${score(before)} → ${score(after)}`);
      });
    }

    test('learning never overrides an explicit request, and rejects unknown agents', async () => {
      const router = await Router.create(registry, { ...embeddingServices(encoder, vectorDir), defaultStrategy: 'hybrid' });
      await router.learn('@k8s-deployer roll it out', 'sql-tuner');
      assert.equal((await router.route({ user_request: '@k8s-deployer roll it out' })).selected_agent, 'k8s-deployer');
      await assert.rejects(router.learn('anything', 'no-such-agent'), (error: unknown) => error instanceof SwitchboardError && error.code === 'INVALID_REQUEST');
    });
  });

  test("a registry of titles alone still measures its similarity scale, from the titles themselves", async () => {
    const titles = registryOf(
      ['Book a flight', 'Cancel a reservation', 'Check the weather', 'Set an alarm', 'Translate a phrase', 'Play music'].map((title, i) => ({
        name: `intent-${i}`,
        title,
      })),
    );
    const vectors = await AgentVectors.build(titles, embeddingServices(encoder, vectorDir));
    const scale = vectors.selfSimilarity(NOTHING_LEARNED, titles);
    assert.ok(scale.other > scale.unrelated && scale.unrelated > 0, JSON.stringify(scale));
  });
});

test('a strategy that needs embeddings without an encoder fails with SERVICE_UNAVAILABLE', async () => {
  await assert.rejects(
    Router.create(registry, { defaultStrategy: 'hybrid' }),
    (error: unknown) => error instanceof SwitchboardError && error.code === 'SERVICE_UNAVAILABLE' && /model:fetch/.test(error.message),
  );
});
