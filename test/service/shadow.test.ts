/**
 * Shadow comparison (SPEC §6): a share of requests is routed again with a second strategy
 * after the answer; the answer is the primary strategy's, and both decisions are recorded
 * as a comparison that `trace` and `stats` show.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, test } from 'node:test';
import type { RoutingResult } from '../../src/contracts/routing.ts';
import { assignmentPoint } from '../../src/experiments/index.ts';
import { startService } from '../../src/service/serve.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import { tempFolder } from '../store/helpers.ts';
import { eventually } from './history-contract.ts';
import { COMMIT, REGISTRY, sample, silent } from './helpers.ts';

const folder = await tempFolder();
after(() => folder.remove());

const REQUESTS = [COMMIT, 'debug the failing tests', 'what is the boiling point of water', 'review the pull request for security issues'];

test('a shadowed request is answered by the primary strategy and recorded as a comparison; only its share is shadowed', async (t) => {
  const db = path.join(folder.dir, 'shadow.db');
  const running = await startService({
    logger: silent, registry: [REGISTRY], strategy: 'lexical', httpPort: 0,
    history: { db, spoolDir: path.join(folder.dir, 'spool') },
    shadow: { strategy: 'enhanced_fuzzy_matching', share: 0.5 },
  });
  t.after(() => running.stop());
  const ids = Array.from({ length: 60 }, () => randomUUID());
  const shadowed = ids.filter((id) => assignmentPoint('shadow', id) < 0.5);
  for (const [i, id] of ids.entries()) {
    const response = await fetch(`${running.url}/route`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-correlation-id': id }, body: JSON.stringify({ user_request: REQUESTS[i % REQUESTS.length] }),
    });
    const result = (await response.json()) as RoutingResult;
    assert.equal(result.routing_metadata.routing_strategy, 'lexical');
  }
  const store = new SqliteStore(db);
  t.after(() => store.close());
  const stats = await eventually(async () => {
    const found = await store.stats({ since: new Date(0) });
    return found.comparisons.n === shadowed.length ? found : undefined;
  });
  assert.ok(shadowed.length > 15 && shadowed.length < 45);
  const trace = await store.trace(shadowed[0]);
  assert.equal(trace?.comparisons.length, 1);
  const [comparison] = trace!.comparisons;
  assert.equal(comparison.path_a, 'primary:lexical');
  assert.equal(comparison.path_b, 'shadow:enhanced_fuzzy_matching');
  assert.equal(comparison.agent_a, trace!.decisions[0].selected_agent);
  assert.equal(comparison.match, comparison.agent_a === comparison.agent_b);
  const notShadowed = ids.find((id) => !shadowed.includes(id))!;
  assert.deepEqual((await store.trace(notShadowed))?.comparisons, []);
  const metrics = await (await fetch(`${running.url}/metrics`)).text();
  const counted = sample(metrics, 'switchboard_shadow_comparisons_total', { result: 'match' }) + sample(metrics, 'switchboard_shadow_comparisons_total', { result: 'differ' });
  assert.equal(counted, shadowed.length);
  assert.ok(stats.comparisons.match_rate !== null);
  assert.deepEqual(Object.keys(stats.comparisons.by_path_b), ['shadow:enhanced_fuzzy_matching'], 'shadow runs are told apart from replays');
});

test("a shadow run decides with the options the answer was decided with, an experiment variant's too: only the strategy differs", async (t) => {
  const db = path.join(folder.dir, 'shadow-variant.db');
  const experiments = path.join(folder.dir, 'strict.yaml');
  // The treatment answers no match to nearly everything; a shadow with the same strategy and
  // the variant's threshold must agree with it, one with the default threshold would not.
  await writeFile(experiments, `experiments:
  - name: strict
    salt: s
    key: correlation_id
    variants:
      - {name: control, share: 0.5, strategy: lexical}
      - {name: strict, share: 0.5, strategy: lexical, min_confidence: 1}
`);
  const running = await startService({
    logger: silent, registry: [REGISTRY], strategy: 'lexical', httpPort: 0, experiments,
    history: { db, spoolDir: path.join(folder.dir, 'spool-variant') },
    shadow: { strategy: 'lexical', share: 1 },
  });
  t.after(() => running.stop());
  const ids = Array.from({ length: 20 }, () => randomUUID());
  for (const id of ids) {
    await fetch(`${running.url}/route`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-correlation-id': id }, body: JSON.stringify({ user_request: COMMIT }) });
  }
  const store = new SqliteStore(db);
  t.after(() => store.close());
  const shadows = await eventually(async () => {
    const traces = await Promise.all(ids.map((id) => store.trace(id)));
    const found = traces.flatMap((trace) => trace?.comparisons.filter((c) => c.path_b === 'shadow:lexical') ?? []);
    return found.length === ids.length ? found : undefined;
  });
  assert.ok(shadows.every((comparison) => comparison.match), JSON.stringify(shadows.filter((c) => !c.match)));
  assert.ok(shadows.some((comparison) => comparison.agent_a === null), 'some answers were the strict variant\'s no match');
});
