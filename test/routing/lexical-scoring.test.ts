/**
 * How the lexical strategy weighs the words of a request against agents' fields: what an
 * agent declares outweighs what its system prompt mentions, a trigger phrase counts whole
 * more than one of its words met elsewhere, and a misspelt word still finds its agent.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { loadRegistry } from '../../src/registry/load.ts';
import { Router } from '../../src/routing/router.ts';
import { LexicalRanker } from '../../src/routing/strategies/lexical/ranker.ts';
import { EVAL, FIXTURES } from '../registry/helpers.ts';
import { terms, words } from '../../src/routing/text/tokens.ts';
import { askLexical, firstOf, registryOf } from './registry-fixture.ts';

const router = () =>
  Router.create(
    registryOf([
      {
        name: 'pr-create',
        description: 'Opens GitHub pull requests with a generated description.',
        triggers: ['make a pull request', 'open a PR'],
      },
      {
        name: 'context-gatherer',
        description: 'Collects what a task needs before work starts: relevant files, tickets, recent commits and node types.',
        contextTriggers: ['onboarding a team to a codebase area'],
      },
      {
        name: 'log-writer',
        description: 'Writes structured velocity log entries for a work session.',
        body: 'You gather context about the session, pull the relevant files and recent commits, and write the log.',
      },
    ]),
    { defaultStrategy: 'lexical', cache: false },
  );

async function top(request: string): Promise<string | null> {
  const result = await (await router()).route({ user_request: request, options: { min_confidence: 0 } });
  return result.recommendations[0]?.agent_name ?? null;
}

test('a trigger phrase present in full selects its agent', async () => {
  assert.equal(await top('make a pull request for this branch'), 'pr-create');
});

test('a word of a trigger phrase weighs less when the request lacks the rest of the phrase', () => {
  const ranker = LexicalRanker.prepare(registryOf([{ name: 'pr-create', triggers: ['make a pull request'] }]));
  const weightOfPull = (request: string) => ranker.rank(request, 1)[0].evidence.terms.find((term) => term.word === 'pull')!.weight;
  const whole = weightOfPull('make a pull request');
  assert.equal(weightOfPull('make a pull request for this branch'), whole, 'the same phrase, the same weight');
  assert.equal(weightOfPull('make a pull reqeust'), whole, 'a corrected typo completes the phrase');
  // "pull" is a third of the phrase here: it keeps 1 − 0.5 × 2/3 of its weight.
  assert.ok(Math.abs(weightOfPull('pull together the files') / whole - 2 / 3) < 1e-9);
});

test('only the share of a word\'s weight that comes from trigger phrases is discounted', () => {
  const registry = registryOf([
    { name: 'pr-create', triggers: ['make a pull request'] },
    { name: 'pr-helper', description: 'pull requests', triggers: ['make a pull request'] },
  ]);
  const ranker = LexicalRanker.prepare(registry);
  const pull = (request: string, agent: string) =>
    ranker.rank(request, 2).find((match) => registry.agents[match.evidence.agent].name === agent)!.evidence.terms.find((term) => term.word === 'pull')!.weight;
  const kept = (agent: string) => pull('pull together the files', agent) / pull('make a pull request', agent);
  assert.ok(Math.abs(kept('pr-create') - 2 / 3) < 1e-9);
  assert.ok(kept('pr-helper') > 2 / 3 + 0.05, `its description's "pull" keeps its weight (kept ${kept('pr-helper')})`);
});

test("an agent's anti-trigger in the request counts against it, and the reason says so", async () => {
  const registry = registryOf([
    {
      name: 'frontend-builder',
      description: 'Builds pages and components, their visual design and layout, and their regression fixes.',
      antiTriggers: ['visual regression'],
    },
    { name: 'ui-tester', description: 'Runs visual checks of user interfaces across browsers.' },
  ]);
  const route = async (user_request: string) =>
    (await Router.create(registry, { defaultStrategy: 'lexical', cache: false })).route({ user_request, options: { min_confidence: 0 } });
  const holding = await route('visual regression checks for the settings page');
  assert.equal(holding.recommendations[0].agent_name, 'ui-tester');
  const builder = holding.recommendations.find((recommendation) => recommendation.agent_name === 'frontend-builder');
  assert.match(builder?.reason ?? '', /anti-trigger 'visual regression'/);
  const partOnly = await route('fix the visual design of the settings page');
  assert.equal(partOnly.recommendations[0].agent_name, 'frontend-builder', 'one word of an anti-trigger is no argument');
});

describe('over a real registry with trigger phrases', async () => {
  const registry = await loadRegistry([path.join(FIXTURES, 'omniclaude-agents')]);
  const ranker = LexicalRanker.prepare(registry);
  const requests = readFileSync(path.join(EVAL, 'registry-o.dev.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => (JSON.parse(line) as { request: string }).request);

  test('the best agents do not depend on how many are asked for', () => {
    for (const request of requests) {
      const few = ranker.rank(request, 3).map((match) => [match.evidence.agent, match.evidence.score]);
      const many = ranker.rank(request, 20).map((match) => [match.evidence.agent, match.evidence.score]);
      assert.deepEqual(few, many.slice(0, 3), request);
    }
  });

  test("an agent's score is the sum of its fields' scores", () => {
    for (const request of requests) {
      for (const { evidence } of ranker.rank(request, 10)) {
        const sum = Object.values(evidence.byField).reduce((total, value) => total + value, 0);
        assert.ok(Math.abs(sum - evidence.score) < 1e-9, `${request}: ${sum} vs ${evidence.score}`);
      }
    }
  });
});

test("a description outweighs the same words in an agent's system prompt", async () => {
  assert.equal(await top('collect the relevant files and recent commits'), 'context-gatherer');
});

test('a misspelt word is read as the closest word the agents use', async () => {
  // No word of these requests is in any agent's text as typed.
  assert.equal(await top('relevnt tikcets'), 'context-gatherer');
  const result = await (await router()).route({ user_request: 'reqeust', options: { min_confidence: 0 } });
  assert.equal(result.recommendations[0]?.agent_name, 'pr-create');
  assert.match(result.recommendations[0].reason, /'reqeust'/, 'the reason quotes the word as typed');
});

test('short words are not corrected: they would collide with too many real ones', async () => {
  assert.equal(await top('fiels'), 'context-gatherer', 'five letters: corrected');
  assert.equal(await top('fils'), null, 'four letters: left alone');
});

test('shorthand reads as the word it stands for, in requests and in definitions alike', async () => {
  const ask = await askLexical([
    { name: 'kubernetes-specialist', description: 'Designs Kubernetes clusters and Helm charts.' },
    { name: 'ops-admin', description: 'Keeps the DB healthy: backups, replication and failover.' },
    { name: 'code-reviewer', description: 'Reviews changes for correctness and style.' },
    { name: 'product-manager', description: 'Writes product roadmaps and prioritises features.' },
    { name: 'mobile-lead', description: 'Ships mobile applications to the stores.' },
    { name: 'on-call', description: 'Keeps production up: alerts, paging and incident response.' },
    { name: 'summarizer', description: 'Summarizes long documents, threads and logs.' },
  ]);
  const best = (request: string) => firstOf(ask(request));
  assert.equal(await best('TL;DR this log'), 'summarizer', 'tl;dr is summarize');
  assert.equal(await best('tldr of the incident'), 'summarizer');
  assert.equal(await best('k8s review'), 'kubernetes-specialist', 'k8s is kubernetes');
  assert.equal(await best('database'), 'ops-admin', "the definition's DB is a database");
  assert.equal(await best('our app'), 'mobile-lead', 'an app is an application');
  assert.equal(await best('prod is down'), 'on-call', 'prod is production');
  assert.equal(await best('product roadmap'), 'product-manager');
  assert.equal(await best('production'), 'on-call', 'production and product are two words, though Porter stems both to product');
});

test('a programming language is one word, though tokens would lose its name: C++, C#, .NET, Go', async () => {
  const ask = await askLexical([
    { name: 'systems-engineer', description: 'Builds high-performance C++ systems.' },
    { name: 'windows-developer', description: 'Builds Windows desktop apps in C# on .NET.' },
    { name: 'cloud-developer', description: 'Builds cloud services in Go, with Docker.' },
    { name: 'release-manager', description: 'Plans the Go-live: release checklists and rollbacks.' },
    { name: 'dns-admin', description: 'Keeps the company net domains and their DNS records healthy.' },
  ]);
  const best = (request: string) => firstOf(ask(request));
  assert.equal(await best('fix a memory leak in my C++ code'), 'systems-engineer');
  assert.equal(await best('port this C# app'), 'windows-developer');
  assert.equal(await best('write a Go service'), 'cloud-developer', 'capitalised mid-sentence: the language');
  assert.equal(await best('Go live'), 'release-manager', 'where a sentence starts: the verb, a stop word');
  assert.deepEqual(words('Note: Go to settings, or ask "Go on?"'), ['note', 'go', 'to', 'settings', 'or', 'ask', 'go', 'on'], 'after a colon or a quote: the verb');
  assert.equal(await best('shop.example.net is down'), 'dns-admin', 'a host name is no .NET');
});

test('a product the request names also counts as its kind, at half weight, and the reason says so', async () => {
  const ask = await askLexical([
    { name: 'payments-engineer', description: 'Integrates payment gateways and checkout flows.' },
    { name: 'integration-engineer', description: 'Builds integrations with third-party APIs and webhooks.' },
    { name: 'data-engineer', description: 'Builds pipelines into the data warehouse.' },
  ]);
  const stripe = await ask('stripe integration');
  assert.equal(stripe.recommendations[0]?.agent_name, 'payments-engineer');
  assert.match(stripe.recommendations[0]?.reason ?? '', /'stripe \(payment\)'/);
  assert.equal(await firstOf(ask('load the orders into bigquery')), 'data-engineer', 'bigquery is a data warehouse');
  const named = await ask('payment integration');
  const byProduct = await ask('stripe integration');
  assert.ok(
    named.recommendations[0].confidence.total >= byProduct.recommendations[0].confidence.total,
    'the kind written out counts at least as much as a product of that kind',
  );
});

test('a phrasal verb reads as the verbs it means, not as its own words: "pull up" is retrieve, not a pull request', async () => {
  const ask = await askLexical([
    { name: 'pr-creator', triggers: ['make a pull request', 'open a pull request'] },
    { name: 'knowledge-query', description: 'Retrieve past incidents and their fixes from the knowledge store.' },
    { name: 'context-gatherer', triggers: ['gather context'], description: 'Gathers files, tickets and commits before a migration.' },
  ]);
  const recall = await ask('pull up the past incidents we stored');
  assert.equal(recall.recommendations[0]?.agent_name, 'knowledge-query');
  assert.match(recall.recommendations[0]?.reason ?? '', /'pull up \(retrieve\)'/);
  assert.ok(!recall.recommendations.some((r) => r.agent_name === 'pr-creator'), 'the verb "pull" alone is no pull request');
  assert.equal(await firstOf(ask('pull together the tickets and commits for the migration')), 'context-gatherer');
  const separated = await ask('the incidents we stored last year: pull them up');
  assert.equal(separated.recommendations[0]?.agent_name, 'knowledge-query');
  assert.match(separated.recommendations[0]?.reason ?? '', /'pull up \(retrieve\)'/, 'a pronoun may stand between verb and particle');
  // A pull request is still one: "pull request" is no phrasal verb.
  assert.equal(await firstOf(ask('open a pull request for this branch')), 'pr-creator');
});

test("a phrasal verb the registry writes itself, as two words or one, is read as written", async () => {
  const ask = await askLexical([
    { name: 'dictionary', triggers: ['look up a word'] },
    { name: 'web-search', description: 'Search the web and retrieve pages.' },
    { name: 'investigator', description: 'Investigate incidents and determine their cause.' },
    { name: 'fitness', description: 'Plans a workout routine and gym exercises.' },
  ]);
  assert.equal(await firstOf(ask('look up a word')), 'dictionary');
  assert.equal(await firstOf(ask('I want to work out at the gym')), 'fitness');
});

test('a phrasal verb whose verbs no agent uses keeps its own words', async () => {
  const ask = await askLexical([
    { name: 'lookup-desk', triggers: ['look at the roadmap'] },
    { name: 'other', description: 'Writes release notes.' },
  ]);
  assert.equal(await firstOf(ask('look into this')), 'lookup-desk', 'no agent investigates or analyzes: "look" still counts');
});

test('two words of a request that the agents write as one count as that word too: "front end" is "frontend"', async () => {
  const ask = await askLexical([
    { name: 'web-developer', description: 'Builds frontend features for web products.' },
    { name: 'api-developer', description: 'Builds the server end of web products: APIs and storage.' },
  ]);
  const result = await ask('build the front end of our store');
  assert.equal(result.recommendations[0]?.agent_name, 'web-developer');
  assert.match(result.recommendations[0]?.reason ?? '', /'front end'/);
});

test('a word the agents never use that joins two they do counts as those two: "dockerfile" is "docker file"', async () => {
  const ask = await askLexical([
    { name: 'docs-writer', description: 'Writes the README file of a service.' },
    { name: 'container-builder', description: 'Writes the Docker build file of a service.' },
  ]);
  const result = await ask('fix our dockerfile');
  assert.equal(result.recommendations[0]?.agent_name, 'container-builder');
  assert.match(result.recommendations[1]?.reason ?? '', /Matched 'file'/, 'a reason names the word that matched');
});

test('a joined word the agents use only in their bodies also counts as the two words their routing fields write', async () => {
  const ask = await askLexical([
    { name: 'docker-expert', description: 'Builds and secures Docker container images.', body: 'Write a Dockerfile with multi-stage builds.' },
    { name: 'blog-writer', description: 'Write blog posts and articles about your app.' },
    { name: 'uploads', description: 'Stores each uploaded file.' },
  ]);
  const result = await ask('write a Dockerfile for my app');
  assert.equal(result.recommendations[0]?.agent_name, 'docker-expert');
  assert.match(result.recommendations[0]?.reason ?? '', /'docker' \((name|description)\)/);
});

test("what tokens leave of a contraction is no word (\"we're\" is not \"re\"), but a negation is", () => {
  assert.deepEqual(terms("we're sure it'll start, you've seen it"), ['sure', 'start', 'seen']);
  assert.deepEqual(terms("don't cancel"), ['don', 'cancel']);
});

test("a ranked candidate serialises with its reason and explanation, like other strategies' candidates", async () => {
  const [candidate] = await (await router()).rank({ user_request: 'make a pull request' });
  const serialised = JSON.parse(JSON.stringify(candidate)) as { reason?: string; explanation?: string };
  assert.equal(serialised.reason, candidate.reason);
  assert.equal(serialised.explanation, candidate.explanation);
});
