/**
 * The lexical index restored from a snapshot decides exactly as the index built from the
 * registry, and a snapshot that does not fit (damaged, malformed, another registry's) is
 * built again instead of used: a snapshot may save time, never change a decision.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { RoutingResult } from '../../src/contracts/routing.ts';
import type { Registry } from '../../src/registry/agent.ts';
import { loadRegistry } from '../../src/registry/load.ts';
import { Router } from '../../src/routing/router.ts';
import type { IndexSnapshots } from '../../src/routing/strategy.ts';
import { describedByExamples } from '../../src/routing/strategies/shared.ts';
import { DEFAULT_MODEL, loadEncoder } from '../../src/embedding/encoder.ts';
import { embeddingServices } from '../../src/embedding/services.ts';
import { skipUnlessFetched } from '../embedding/model-gate.ts';
import { EVAL, FIXTURES, tempDir } from '../registry/helpers.ts';

/** Snapshots kept as JSON text, as on disk, counting reads and writes. */
class MemorySnapshots implements IndexSnapshots {
  readonly texts = new Map<string, string>();
  reads = 0;
  writes = 0;

  read(kind: string, registryVersion: string): unknown {
    this.reads++;
    const text = this.texts.get(`${kind}/${registryVersion}`);
    return text === undefined ? undefined : JSON.parse(text);
  }

  write(kind: string, registryVersion: string, snapshot: unknown): void {
    this.writes++;
    this.texts.set(`${kind}/${registryVersion}`, JSON.stringify(snapshot));
  }
}

/** A store that always hands back `snapshot`, whatever is asked, and records what is written. */
function handing(snapshot: unknown): IndexSnapshots & { written: unknown[] } {
  const written: unknown[] = [];
  return { written, read: () => structuredClone(snapshot), write: (_kind, _version, value) => written.push(value) };
}

function requests(set: string, every = 1): string[] {
  const lines = readFileSync(path.join(EVAL, set), 'utf8').trim().split('\n');
  return lines.filter((_, i) => i % every === 0).map((line) => (JSON.parse(line) as { request: string }).request);
}

/** Every candidate the strategy keeps, with scores, reasons and explanations, untimed. */
async function decisions(router: Router, texts: readonly string[]): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const user_request of texts) {
    const result: RoutingResult = await router.route({ user_request, options: { min_confidence: 0, max_recommendations: 10 } });
    out.push({ ...result, routing_metadata: { ...result.routing_metadata, routing_time_ms: 0 } });
  }
  return out;
}

const lexical = (registry: Registry, indexSnapshots?: IndexSnapshots) =>
  Router.create(registry, { defaultStrategy: 'lexical', cache: false, indexSnapshots });

describe('lexical index snapshots', () => {
  for (const [label, source, set, every] of [
    ['ONEX agents', 'fixtures/omniclaude-agents', 'registry-o.dev.jsonl', 1],
    ['Claude Code subagents', 'fixtures/claude-agents/voltagent', 'registry-v.dev.jsonl', 1],
    ['an intent registry with 15,000 examples', 'eval/clinc150/registry.yaml', 'clinc150/val.jsonl', 10],
  ] as const) {
    test(`decisions are identical with and without a snapshot: ${label}`, async () => {
      const registry = await loadRegistry([path.join(FIXTURES, '..', source)]);
      const texts = requests(set, every);
      const snapshots = new MemorySnapshots();
      const expected = await decisions(await lexical(registry), texts);

      const building = await lexical(registry, snapshots);
      // The word index, and for a registry described by examples also the examples' classifier.
      const kinds = describedByExamples(registry) ? 2 : 1;
      assert.equal(snapshots.writes, kinds, 'the first router builds its indexes and keeps their snapshots');
      const restored = await lexical(registry, snapshots);
      assert.equal(snapshots.writes, kinds, 'the second router restores them instead of building them');
      assert.equal(snapshots.reads, 2 * kinds);

      assert.deepEqual(await decisions(building, texts), expected);
      assert.deepEqual(await decisions(restored, texts), expected);
    });
  }

  test('hybrid, which ranks with the same lexical index, decides the same from a snapshot', { skip: skipUnlessFetched(DEFAULT_MODEL) }, async (t) => {
    const registry = await loadRegistry([path.join(FIXTURES, 'omniclaude-agents')]);
    const texts = requests('registry-o.dev.jsonl', 2);
    const encoder = await loadEncoder(DEFAULT_MODEL);
    const vectorDir = await tempDir(t);
    t.after(() => encoder.close());
    const snapshots = new MemorySnapshots();
    const hybrid = (indexSnapshots?: IndexSnapshots) =>
      Router.create(registry, { ...embeddingServices(encoder, vectorDir), defaultStrategy: 'hybrid', cache: false, indexSnapshots });
    const expected = await decisions(await hybrid(), texts);
    await hybrid(snapshots);
    const restored = await hybrid(snapshots);
    assert.deepEqual([snapshots.reads, snapshots.writes], [2, 1]);
    assert.deepEqual(await decisions(restored, texts), expected);
  });

  test('learning still works over a restored index', async () => {
    const registry = await loadRegistry([path.join(FIXTURES, 'omniclaude-agents')]);
    const snapshots = new MemorySnapshots();
    await lexical(registry, snapshots);
    const [built, restored] = [await lexical(registry), await lexical(registry, snapshots)];
    const request = 'tidy up the flaky retry helper in the kafka consumer';
    for (const router of [built, restored]) await router.learn(request, 'agent-debug-intelligence');
    assert.deepEqual(await decisions(restored, [request]), await decisions(built, [request]));
  });

  describe('a snapshot that does not fit is built again, with the same decisions', async () => {
    const registry = await loadRegistry([path.join(FIXTURES, 'omniclaude-agents')]);
    const texts = requests('registry-o.dev.jsonl', 5);
    const expected = await decisions(await lexical(registry), texts);
    const snapshots = new MemorySnapshots();
    await lexical(registry, snapshots);
    const good = JSON.parse([...snapshots.texts.values()][0]) as {
      agents: Record<string, unknown[] | number>;
      examples: Record<string, unknown[]>;
    };
    const smaller = await loadRegistry([path.join(FIXTURES, 'omniclaude-agents/agent-registry.yaml')]);
    const otherRegistry = new MemorySnapshots();
    await lexical(smaller, otherRegistry);
    const agents = (change: Record<string, unknown>) => ({ ...good, agents: { ...good.agents, ...change } });
    const firstAgents = good.agents.agents as number[];
    const offsets = good.agents.offsets as number[];
    // Two postings of one term swapped: each term's agents must stay ascending.
    const shared = offsets.findIndex((start, i) => offsets[i + 1] - start >= 2);
    const swapped = [...firstAgents];
    const at = offsets[shared];
    [swapped[at], swapped[at + 1]] = [swapped[at + 1], swapped[at]];

    for (const [label, snapshot] of [
      ['null', null],
      ['a string', 'not an index'],
      ['an empty object', {}],
      ['no example index', { agents: good.agents }],
      ["another registry's snapshot", JSON.parse([...otherRegistry.texts.values()][0])],
      ['a term list of numbers', agents({ terms: (good.agents.terms as unknown[]).map((_, i) => i) })],
      ['a missing weight', agents({ weights: (good.agents.weights as unknown[]).slice(1) })],
      ['a weight that is not a number', agents({ weights: [null, ...(good.agents.weights as unknown[]).slice(1)] })],
      ['an agent out of range', agents({ agents: [999, ...firstAgents.slice(1)] })],
      ['postings out of order', agents({ agents: swapped })],
      ['a field out of range', agents({ fields: [99, ...(good.agents.fields as unknown[]).slice(1)] })],
      ['a trigger share above 1', agents({ triggerShares: [1.5, ...(good.agents.triggerShares as unknown[]).slice(1)] })],
      ['a missing context-trigger share', agents({ contextTriggerShares: (good.agents.contextTriggerShares as unknown[]).slice(1) })],
      ['offsets that do not cover the postings', agents({ offsets: (good.agents.offsets as unknown[]).slice(0, -1) })],
      ['a duplicated term', agents({ terms: [(good.agents.terms as string[])[1], ...(good.agents.terms as string[]).slice(1)] })],
      ['a non-finite unseen idf', agents({ unseenIdf: 'Infinity' })],
      ['an example owned by no agent', { ...good, examples: { ...good.examples, owners: [-1], texts: ['x'] } }],
    ] as const) {
      test(label, async () => {
        const store = handing(snapshot);
        const router = await lexical(registry, store);
        assert.equal(store.written.length, 1, 'built and kept again');
        assert.deepEqual(await decisions(router, texts), expected);
      });
    }
  });

  describe("an examples' classifier snapshot that does not fit is trained again, with the same decisions", async () => {
    const clinc = await loadRegistry([path.join(EVAL, 'clinc150/registry.yaml')]);
    const intents = (names: readonly string[], version: string): Registry => ({
      ...clinc,
      agents: clinc.agents.filter((agent) => names.includes(agent.name)),
      version,
    });
    const registry = intents(['definition', 'meaning_of_life', 'oil_change_when', 'oil_change_how'], 'four-intents');
    const texts = ['tell me the meaning of hegemony', 'when do i need to change my motor oil', 'what is the meaning of life', 'how do i change the oil in my car'];
    const expected = await decisions(await lexical(registry), texts);
    const snapshots = new MemorySnapshots();
    await lexical(registry, snapshots);
    const kept = (store: MemorySnapshots) =>
      JSON.parse([...store.texts].find(([key]) => key.startsWith('term-classifier/'))![1]) as Record<string, unknown>;
    const good = kept(snapshots);
    const other = new MemorySnapshots();
    // Another registry of as many agents: its classifier has the right shape, but is not this one's.
    await lexical(intents(['definition', 'meaning_of_life', 'oil_change_when', 'calories'], 'other-four'), other);
    const lexicalIndex = JSON.parse([...snapshots.texts].find(([key]) => key.startsWith('lexical/'))![1]) as unknown;

    for (const [label, snapshot] of [
      ['null', null],
      ["another registry's classifier", kept(other)],
      ['weights of the wrong length', { ...good, weights: (good.weights as string).slice(8) }],
      ['weights that are not packed', { ...good, weights: [1, 2, 3] }],
      ['a non-finite bias', { ...good, bias: Buffer.from(new Float32Array([NaN, 0, 0, 0]).buffer).toString('base64') }],
      ['a duplicated feature', { ...good, features: [(good.features as string[])[1], ...(good.features as string[]).slice(1)] }],
    ] as const) {
      test(label, async () => {
        const written: string[] = [];
        const store: IndexSnapshots = {
          read: (kind) => structuredClone(kind === 'lexical' ? lexicalIndex : snapshot),
          write: (kind) => written.push(kind),
        };
        const router = await lexical(registry, store);
        assert.deepEqual(written, ['term-classifier'], 'trained and kept again');
        assert.deepEqual(await decisions(router, texts), expected);
      });
    }
  });
});
