/**
 * The router's contract (SPEC §2), run against every built-in strategy: whatever a strategy
 * scores, explicit requests, thresholds, cuts, the output shape, determinism, the cache and
 * validation behave the same. Rankings are only asserted where the answer is unambiguous
 * (a commit request over a registry whose one commit agent is the only one about commits).
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_MODEL, loadEncoder } from '../../src/embedding/encoder.ts';
import type { Encoder } from '../../src/embedding/encoder-types.ts';
import { embeddingServices } from '../../src/embedding/services.ts';
import type { StrategyServices } from '../../src/routing/strategy.ts';
import { skipUnlessFetched } from '../embedding/model-gate.ts';
import { NO_MATCH_REASONS, type RoutingRequest, type RoutingResult } from '../../src/contracts/routing.ts';
import { SwitchboardError } from '../../src/errors.ts';
import { Router, type RouterOptions } from '../../src/routing/router.ts';
import { BUILTIN_STRATEGIES, DEFAULT_STRATEGY } from '../../src/routing/strategies/index.ts';
import { registryOf } from './registry-fixture.ts';

const registry = registryOf([
  {
    name: 'agent-commit',
    title: 'Git Commit Writer',
    description: 'Writes git commit messages for staged changes',
    triggers: ['commit message', 'git commit'],
    capabilities: ['commit_message_generation'],
    domain: 'version_control',
  },
  {
    name: 'agent-kubernetes',
    title: 'Kubernetes Operator',
    description: 'Deploys and troubleshoots kubernetes clusters, pods and helm charts',
    triggers: ['kubernetes', 'helm chart', 'kubectl'],
    capabilities: ['cluster_deployment'],
    domain: 'infrastructure',
  },
  {
    name: 'agent-code-review',
    description: 'Reviews code changes for bugs and style',
    triggers: ['code review', 'review changes'],
    capabilities: ['code_review'],
    domain: 'quality',
  },
  {
    name: 'agent-security-review',
    description: 'Reviews code for security vulnerabilities',
    triggers: ['security review', 'security audit'],
    capabilities: ['security_review'],
    domain: 'security',
  },
  {
    name: 'agent-design-review',
    description: 'Reviews software design documents and architecture',
    triggers: ['design review', 'architecture review'],
    capabilities: ['design_review'],
    domain: 'architecture',
  },
]);

const COMMIT_REQUEST = 'write a commit message';
/** Names three agents' triggers at once: every sane strategy finds several candidates. */
const REVIEW_REQUEST = 'do a code review, a security review and a design review';
/** No word of it appears anywhere in the registry. */
const IRRELEVANT_REQUEST = 'bake sourdough bread tonight';

const names = (result: RoutingResult) => result.recommendations.map((r) => r.agent_name);

/** A result without its timing, which is the one field allowed to differ between runs. */
function untimed(result: RoutingResult) {
  const { routing_time_ms: _time, ...metadata } = result.routing_metadata;
  return { ...result, routing_metadata: metadata };
}

/** Same decision: everything but timing and whether it came from the cache. */
function decision(result: RoutingResult) {
  const { routing_time_ms: _time, cache_hit: _hit, ...metadata } = result.routing_metadata;
  return { ...result, routing_metadata: metadata };
}

function isCode(code: string, pattern?: RegExp) {
  return (error: unknown) =>
    error instanceof SwitchboardError && error.code === code && (pattern === undefined || pattern.test(error.message));
}

test('the built-in strategies include the default and the reference algorithm', async () => {
  assert.ok(BUILTIN_STRATEGIES.has(DEFAULT_STRATEGY));
  assert.ok(BUILTIN_STRATEGIES.has('enhanced_fuzzy_matching'));
  assert.equal((await Router.create(registry)).defaultStrategy, DEFAULT_STRATEGY);
});

/** The real model for the strategies that embed, loaded once and only if one of them runs. */
let embedding: Promise<{ encoder: Encoder; vectorDir: string }> | undefined;
after(async () => {
  if (embedding === undefined) return;
  const { encoder, vectorDir } = await embedding;
  await encoder.close();
  await rm(vectorDir, { recursive: true, force: true });
});

async function servicesFor(strategy: string): Promise<StrategyServices> {
  if (!BUILTIN_STRATEGIES.get(strategy)?.usesEmbeddings) return {};
  embedding ??= (async () => ({
    encoder: await loadEncoder(DEFAULT_MODEL),
    vectorDir: await mkdtemp(path.join(tmpdir(), 'switchboard-vectors-')),
  }))();
  const { encoder, vectorDir } = await embedding;
  return embeddingServices(encoder, vectorDir);
}

for (const strategy of BUILTIN_STRATEGIES.keys()) {
  const router = async (options: RouterOptions = {}) =>
    Router.create(registry, { ...(await servicesFor(strategy)), defaultStrategy: strategy, ...options });
  const skip = BUILTIN_STRATEGIES.get(strategy)?.usesEmbeddings ? skipUnlessFetched(DEFAULT_MODEL) : false;

  describe(`router contract: ${strategy}`, { skip }, () => {
    describe('explicit requests', () => {
      test('@name, "use name" and a leading agent- name select that agent with confidence 1.0', async () => {
        for (const text of [
          '@agent-kubernetes write a commit message',
          'use agent-kubernetes to write a commit message',
          'agent-kubernetes write a commit message',
        ]) {
          const result = await (await router()).route({ user_request: text });
          assert.equal(result.selected_agent, 'agent-kubernetes', text);
          assert.equal(result.routing_policy, 'explicit_request', text);
          assert.deepEqual(names(result), ['agent-kubernetes'], text);
          const { confidence } = result.recommendations[0];
          assert.equal(confidence.total, 1, text);
          assert.equal(result.reason, undefined, text);
        }
      });

      test('an explicit request wins even at min_confidence 1 and max_recommendations 1', async () => {
        const result = await (await router()).route({
          user_request: '@agent-commit restart the kubernetes pods',
          options: { min_confidence: 1, max_recommendations: 1 },
        });
        assert.equal(result.selected_agent, 'agent-commit');
        assert.equal(result.routing_policy, 'explicit_request');
      });

      test('an explicit-only agent is reached by name only: no strategy ranks it, however well it matches', async () => {
        const worker = { name: 'agent-commit-worker', triggers: [COMMIT_REQUEST, 'git commit'], explicitOnly: true };
        const withWorker = await Router.create(registryOf([...registry.agents, worker]), {
          ...(await servicesFor(strategy)),
          defaultStrategy: strategy,
        });
        const request = { user_request: COMMIT_REQUEST, options: { min_confidence: 0, max_recommendations: 10 } };
        const result = await withWorker.route(request);
        assert.ok(!names(result).includes('agent-commit-worker'), names(result).join(', '));
        assert.ok(!(await withWorker.rank(request)).some((candidate) => candidate.agent.name === 'agent-commit-worker'));
        assert.equal(result.routing_metadata.candidates_evaluated, registry.agents.length);
        const named = await withWorker.route({ user_request: `@agent-commit-worker ${COMMIT_REQUEST}` });
        assert.equal(named.selected_agent, 'agent-commit-worker');
        assert.equal(named.routing_policy, 'explicit_request');
        assert.equal(await withWorker.learn(COMMIT_REQUEST, 'agent-commit-worker'), false, 'what it served teaches no strategy');
      });

      test('an explicit request for an unknown agent falls through to scoring', async () => {
        const result = await (await router()).route({ user_request: `@agent-unknown ${COMMIT_REQUEST}` });
        assert.notEqual(result.routing_policy, 'explicit_request');
        assert.equal(result.selected_agent, 'agent-commit');
        assert.equal(result.routing_policy, 'trigger_match');
      });
    });

    describe('decisions', () => {
      test('a request in one agent\'s words selects that agent', async () => {
        assert.equal((await (await router()).route({ user_request: COMMIT_REQUEST })).selected_agent, 'agent-commit');
        assert.equal((await (await router()).route({ user_request: 'restart the kubernetes pods' })).selected_agent, 'agent-kubernetes');
      });

      test('a selected agent is the first recommendation, and carries no no-match reason', async () => {
        const result = await (await router()).route({ user_request: COMMIT_REQUEST });
        assert.equal(result.selected_agent, result.recommendations[0].agent_name);
        assert.equal(result.routing_policy, 'trigger_match');
        assert.equal('reason' in result, false);
      });

      test('a request with no relevant words is an explicit no-match, never a silent default', async () => {
        const result = await (await router()).route({ user_request: IRRELEVANT_REQUEST });
        assert.equal(result.selected_agent, null);
        assert.equal(result.routing_policy, 'no_match');
        assert.ok(NO_MATCH_REASONS.includes(result.reason!), `reason ${result.reason}`);
        assert.deepEqual(result.recommendations, []);
      });

      test('no candidate at all is reported as empty_candidates', { skip: BUILTIN_STRATEGIES.get(strategy)?.usesEmbeddings ? 'every agent has some similarity to any request' : false }, async () => {
        const r = await router();
        const request = { user_request: IRRELEVANT_REQUEST, options: { min_confidence: 0 } };
        assert.deepEqual(await r.rank(request), [], 'precondition: nothing in the registry mentions bread');
        assert.equal((await r.route(request)).reason, 'empty_candidates');
      });

      test('candidates all below min_confidence are reported as no_candidate_above_threshold', async () => {
        const r = await router();
        const request = { user_request: COMMIT_REQUEST, options: { min_confidence: 1 } };
        assert.ok((await r.rank(request)).length > 0);
        const result = await r.route(request);
        const perfect = (await r.rank(request)).filter((c) => c.score.total >= 1).map((c) => c.agent.name);
        assert.deepEqual(names(result), perfect.slice(0, 5));
        if (perfect.length === 0) {
          assert.equal(result.selected_agent, null);
          assert.equal(result.routing_policy, 'no_match');
          assert.equal(result.reason, 'no_candidate_above_threshold');
        }
      });

      test('min_confidence 0 recommends every candidate with evidence, up to max_recommendations', async () => {
        const r = await router();
        const request = { user_request: REVIEW_REQUEST, options: { min_confidence: 0, max_recommendations: 10 } };
        const ranked = (await r.rank(request)).map((c) => c.agent.name);
        assert.ok(ranked.length >= 3, `precondition: several candidates, got ${ranked.join(', ')}`);
        const result = await r.route(request);
        assert.deepEqual(names(result), ranked);
        assert.equal(result.selected_agent, ranked[0]);
      });

      test('a candidate exactly at min_confidence is recommended', async () => {
        const r = await router();
        const [top] = await r.rank({ user_request: COMMIT_REQUEST });
        const result = await r.route({ user_request: COMMIT_REQUEST, options: { min_confidence: top.score.total } });
        assert.equal(result.selected_agent, top.agent.name);
      });

      test('recommendations are the ranking filtered by min_confidence and cut at max_recommendations', async () => {
        const r = await router();
        for (const user_request of [COMMIT_REQUEST, REVIEW_REQUEST, IRRELEVANT_REQUEST]) {
          for (const options of [{}, { min_confidence: 0 }, { min_confidence: 0.3, max_recommendations: 2 }, { min_confidence: 0, max_recommendations: 1 }]) {
            const minimum = options.min_confidence ?? 0.5;
            const max = options.max_recommendations ?? 5;
            const expected = (await r
              .rank({ user_request }))
              .filter((c) => c.score.total >= minimum)
              .slice(0, max)
              .map((c) => c.agent.name);
            assert.deepEqual(names(await r.route({ user_request, options })), expected, `${user_request} ${JSON.stringify(options)}`);
          }
        }
      });

      test('max_recommendations cuts the list', async () => {
        const r = await router();
        for (const max of [1, 2]) {
          const result = await r.route({ user_request: REVIEW_REQUEST, options: { min_confidence: 0, max_recommendations: max } });
          assert.equal(result.recommendations.length, max);
        }
      });

      test('at most 5 recommendations by default', async () => {
        const many = registryOf(
          Array.from({ length: 8 }, (_, i) => ({ name: `agent-review-${i}`, triggers: ['code review'], description: 'Reviews code' })),
        );
        const result = await (await Router.create(many, { ...(await servicesFor(strategy)), defaultStrategy: strategy })).route({
          user_request: 'code review please',
          options: { min_confidence: 0 },
        });
        assert.equal(result.recommendations.length, 5);
      });

      test('recommendations are sorted by total, best first', async () => {
        const result = await (await router()).route({ user_request: REVIEW_REQUEST, options: { min_confidence: 0, max_recommendations: 10 } });
        const totals = result.recommendations.map((r) => r.confidence.total);
        assert.deepEqual(totals, [...totals].sort((a, b) => b - a));
      });
    });

    describe('output shape', () => {
      test('every recommendation carries the full breakdown in 0..1, a reason and its definition', async () => {
        const result = await (await router()).route({ user_request: REVIEW_REQUEST, options: { min_confidence: 0, max_recommendations: 10 } });
        assert.ok(result.recommendations.length > 0);
        for (const recommendation of result.recommendations) {
          const agent = registry.byName.get(recommendation.agent_name);
          assert.ok(agent, recommendation.agent_name);
          assert.equal(recommendation.agent_title, agent.title);
          assert.equal(recommendation.definition_path, agent.definitionPath);
          assert.equal(typeof recommendation.reason, 'string');
          assert.notEqual(recommendation.reason, '');
          const { explanation, semantic_score, ...scores } = recommendation.confidence;
          assert.deepEqual(Object.keys(scores).sort(), ['capability_score', 'context_score', 'historical_score', 'total', 'trigger_score']);
          const embeds = BUILTIN_STRATEGIES.get(strategy)?.usesEmbeddings === true;
          assert.equal(semantic_score !== undefined, embeds, 'semantic_score is present exactly for strategies that embed');
          if (semantic_score !== undefined) assert.ok(semantic_score >= 0 && semantic_score <= 1, `semantic_score = ${semantic_score}`);
          for (const [field, value] of Object.entries(scores)) {
            assert.ok(Number.isFinite(value) && value >= 0 && value <= 1, `${recommendation.agent_name} ${field} = ${value}`);
          }
          assert.equal(typeof explanation, 'string');
          assert.notEqual(explanation, '');
        }
      });

      test('routing_metadata names the registry version, the strategy, the candidates and the cache', async () => {
        const result = await (await router()).route({ user_request: COMMIT_REQUEST });
        const meta = result.routing_metadata;
        assert.deepEqual(Object.keys(meta).sort(), ['cache_hit', 'candidates_evaluated', 'registry_version', 'routing_strategy', 'routing_time_ms']);
        assert.equal(meta.registry_version, registry.version);
        assert.equal(meta.routing_strategy, strategy);
        assert.equal(meta.cache_hit, false);
        assert.ok(Number.isInteger(meta.candidates_evaluated));
        assert.ok(meta.candidates_evaluated >= result.recommendations.length && meta.candidates_evaluated <= registry.agents.length);
        assert.ok(Number.isFinite(meta.routing_time_ms) && meta.routing_time_ms >= 0);
      });

      test('options.routing_strategy selects the strategy per request', async () => {
        const other = [...BUILTIN_STRATEGIES.keys()].find((name) => name !== strategy)!;
        const result = await (await Router.create(registry, { ...(await servicesFor(strategy)), defaultStrategy: other })).route({
          user_request: COMMIT_REQUEST,
          options: { routing_strategy: strategy },
        });
        assert.equal(result.routing_metadata.routing_strategy, strategy);
        assert.equal(result.selected_agent, 'agent-commit');
      });

      test('the result is plain JSON: it survives a round trip unchanged', async () => {
        const result = await (await router()).route({ user_request: REVIEW_REQUEST, context: { domain: 'security' }, options: { min_confidence: 0 } });
        assert.deepEqual(JSON.parse(JSON.stringify(result)), result);
      });
    });

    describe('determinism', () => {
      test('the same request on two fresh routers gives the same result', async () => {
        const requests: RoutingRequest[] = [
          { user_request: COMMIT_REQUEST },
          { user_request: REVIEW_REQUEST, context: { domain: 'security', previous_agent: 'agent-commit' }, options: { min_confidence: 0 } },
          { user_request: IRRELEVANT_REQUEST },
          { user_request: '@agent-kubernetes hello' },
        ];
        for (const request of requests) {
          const first = await (await router({ cache: false })).route(request);
          const second = await (await router({ cache: false })).route(request);
          assert.deepEqual(untimed(second), untimed(first), request.user_request);
        }
      });

      test('the same request twice on one uncached router gives the same result', async () => {
        const r = await router({ cache: false });
        const request = { user_request: REVIEW_REQUEST, options: { min_confidence: 0 } };
        assert.deepEqual(untimed(await r.route(request)), untimed(await r.route(request)));
      });
    });

    describe('cache', () => {
      test('a repeated request is a cache hit with the same decision', async () => {
        const r = await router();
        const first = await r.route({ user_request: COMMIT_REQUEST });
        const second = await r.route({ user_request: COMMIT_REQUEST });
        assert.equal(first.routing_metadata.cache_hit, false);
        assert.equal(second.routing_metadata.cache_hit, true);
        assert.deepEqual(decision(second), decision(first));
      });

      test('a request differing only in case and whitespace is a hit', async () => {
        const r = await router();
        await r.route({ user_request: COMMIT_REQUEST });
        assert.equal((await r.route({ user_request: '  Write a   COMMIT\nmessage ' })).routing_metadata.cache_hit, true);
      });

      test('a hit has the same decision as an uncached router', async () => {
        const r = await router();
        const request = { user_request: REVIEW_REQUEST, options: { min_confidence: 0 } };
        await r.route(request);
        assert.deepEqual(decision(await r.route(request)), decision(await (await router({ cache: false })).route(request)));
      });

      test('context key order does not matter', async () => {
        const r = await router();
        await r.route({ user_request: COMMIT_REQUEST, context: { domain: 'security', previous_agent: 'agent-commit' } });
        const result = await r.route({ user_request: COMMIT_REQUEST, context: { previous_agent: 'agent-commit', domain: 'security' } });
        assert.equal(result.routing_metadata.cache_hit, true);
      });

      test('a different context, options or strategy is a miss', async () => {
        const r = await router();
        const base = { user_request: COMMIT_REQUEST, context: { domain: 'security' } };
        await r.route(base);
        const variants: RoutingRequest[] = [
          { ...base, context: { domain: 'version_control' } },
          { ...base, context: { domain: 'security', current_file: 'src/app.ts' } },
          { ...base, context: {} },
          { ...base, options: { max_recommendations: 2 } },
          { ...base, options: { min_confidence: 0.1 } },
          { ...base, options: { routing_strategy: [...BUILTIN_STRATEGIES.keys()].find((name) => name !== strategy) } },
          { ...base, user_request: `${COMMIT_REQUEST} now` },
        ];
        for (const variant of variants) {
          assert.equal((await r.route(variant)).routing_metadata.cache_hit, false, JSON.stringify(variant));
        }
        assert.equal((await r.route(base)).routing_metadata.cache_hit, true);
      });

      test(
        'context values holding the key separators do not collide with other requests',
        async () => {
          const r = await router();
          await r.route({ user_request: 'do a security review', context: { domain: 'security&previous_agent=agent-commit' } });
          const other = await r.route({ user_request: 'do a security review', context: { domain: 'security', previous_agent: 'agent-commit' } });
          assert.equal(other.routing_metadata.cache_hit, false, 'a different context must not be served from the cache');
          await r.route({ user_request: 'bar', context: { domain: 'x|foo' } });
          const text = await r.route({ user_request: 'foo|bar', context: { domain: 'x' } });
          assert.equal(text.routing_metadata.cache_hit, false, 'a different request text must not be served from the cache');
        },
      );

      test(
        'mutating a returned decision does not change later cached decisions',
        async () => {
          const r = await router();
          const first = await r.route({ user_request: COMMIT_REQUEST });
          const original = names(first);
          try {
            (first.recommendations as unknown[]).length = 0;
          } catch {
            // a deeply frozen result is fine too
          }
          const second = await r.route({ user_request: COMMIT_REQUEST });
          assert.equal(second.routing_metadata.cache_hit, true);
          assert.deepEqual(names(second), original);
          assert.equal(original[0], 'agent-commit');
        },
      );

      test('an entry expires after its TTL', async () => {
        let now = 1_000_000;
        const r = await router({ cache: { maxEntries: 100, ttlMs: 60_000 }, now: () => now });
        await r.route({ user_request: COMMIT_REQUEST });
        now += 59_000;
        assert.equal((await r.route({ user_request: COMMIT_REQUEST })).routing_metadata.cache_hit, true);
        now += 60_001;
        const expired = await r.route({ user_request: COMMIT_REQUEST });
        assert.equal(expired.routing_metadata.cache_hit, false);
        assert.equal(expired.selected_agent, 'agent-commit');
        assert.equal((await r.route({ user_request: COMMIT_REQUEST })).routing_metadata.cache_hit, true, 'the fresh decision is cached again');
      });

      test('the least recently used entry is evicted beyond maxEntries', async () => {
        const r = await router({ cache: { maxEntries: 1, ttlMs: 60_000 } });
        await r.route({ user_request: COMMIT_REQUEST });
        await r.route({ user_request: REVIEW_REQUEST });
        assert.equal((await r.route({ user_request: COMMIT_REQUEST })).routing_metadata.cache_hit, false);
      });

      test('cache: false never hits and counts nothing', async () => {
        const r = await router({ cache: false });
        for (let i = 0; i < 3; i++) assert.equal((await r.route({ user_request: COMMIT_REQUEST })).routing_metadata.cache_hit, false);
        assert.deepEqual(r.cacheStats(), { hits: 0, misses: 0, size: 0 });
      });

      test('cacheStats counts hits, misses and entries', async () => {
        const r = await router();
        assert.deepEqual(r.cacheStats(), { hits: 0, misses: 0, size: 0 });
        await r.route({ user_request: COMMIT_REQUEST });
        await r.route({ user_request: COMMIT_REQUEST });
        await r.route({ user_request: REVIEW_REQUEST });
        await r.route({ user_request: COMMIT_REQUEST });
        assert.deepEqual(r.cacheStats(), { hits: 2, misses: 2, size: 2 });
      });

      test('explicit and no-match decisions are cached too', async () => {
        const r = await router();
        for (const user_request of ['@agent-commit hello', IRRELEVANT_REQUEST]) {
          const first = await r.route({ user_request });
          const second = await r.route({ user_request });
          assert.equal(second.routing_metadata.cache_hit, true, user_request);
          assert.deepEqual(decision(second), decision(first), user_request);
        }
      });
    });

    describe('errors', () => {
      test('an unknown strategy is UNKNOWN_STRATEGY, per request or as the default', async () => {
        await assert.rejects(
          (await router()).route({ user_request: COMMIT_REQUEST, options: { routing_strategy: 'no_such_strategy' } }),
          isCode('UNKNOWN_STRATEGY', /no_such_strategy/),
        );
        await assert.rejects(Router.create(registry, { defaultStrategy: 'no_such_strategy' }), isCode('UNKNOWN_STRATEGY'));
      });

      test('an unknown strategy names the known ones and maps to the wire code INVALID_REQUEST', async () => {
        try {
          await (await router()).route({ user_request: COMMIT_REQUEST, options: { routing_strategy: 'nope' } });
          assert.fail('expected UNKNOWN_STRATEGY');
        } catch (error) {
          assert.ok(error instanceof SwitchboardError);
          assert.equal(error.wireCode, 'INVALID_REQUEST');
          for (const name of BUILTIN_STRATEGIES.keys()) assert.match(error.message, new RegExp(name));
        }
      });

      test('empty, whitespace-only, oversized and binary requests are INVALID_REQUEST', async () => {
        const r = await router();
        for (const user_request of ['', '   \n\t ', 'x'.repeat(10_001), 'commit\u0000message', '\u0001\u0002\u0003commit\u0004']) {
          await assert.rejects(r.route({ user_request }), isCode('INVALID_REQUEST'), JSON.stringify(user_request.slice(0, 20)));
        }
        assert.deepEqual(r.cacheStats(), { hits: 0, misses: 0, size: 0 }, 'invalid requests never reach the cache');
      });

      test('text with control characters routes: pasted terminal colours, a bell', async () => {
        const r = await router();
        const result = await r.route({ user_request: `\u001b[1m${COMMIT_REQUEST}\u001b[0m\u0007` });
        assert.equal(result.selected_agent, 'agent-commit');
        const explicit = await r.route({ user_request: '@\u001b[1magent-commit\u001b[0m look at this' });
        assert.equal(explicit.routing_policy, 'explicit_request');
        assert.equal(explicit.selected_agent, 'agent-commit');
      });

      test('a request of exactly 10,000 characters is accepted', async () => {
        const text = `${COMMIT_REQUEST} `.repeat(500).slice(0, 10_000);
        assert.equal(text.length, 10_000);
        assert.equal((await (await router()).route({ user_request: text })).selected_agent, 'agent-commit');
      });

      test('characters are code points, as JSON Schema and Python count them: 10,000 emoji pass, 10,001 do not', async () => {
        const r = await router();
        const emoji = (count: number) => `${COMMIT_REQUEST} ${'🚀'.repeat(count - COMMIT_REQUEST.length - 1)}`;
        assert.equal(emoji(10_000).length > 10_000, true, 'more UTF-16 units than characters');
        await r.route({ user_request: emoji(10_000) });
        await assert.rejects(r.route({ user_request: emoji(10_001) }), (error: unknown) => error instanceof SwitchboardError && /10001 characters/.test(error.message));
      });

      test('out-of-range options are INVALID_REQUEST', async () => {
        const r = await router();
        for (const options of [{ max_recommendations: 0 }, { max_recommendations: 11 }, { min_confidence: -0.1 }, { min_confidence: 1.1 }]) {
          await assert.rejects(r.route({ user_request: COMMIT_REQUEST, options }), isCode('INVALID_REQUEST'), JSON.stringify(options));
        }
      });

      test('an explicit request is validated like any other', async () => {
        await assert.rejects((await router()).route({ user_request: '@agent-commit\u0000' }), isCode('INVALID_REQUEST'));
      });
    });
  });
}
