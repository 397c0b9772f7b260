/**
 * A/B experiments in the service (SPEC §6): requests are routed with their variant's
 * strategy, stickily; the variant is recorded on every decision; `experiments report` compares
 * the variants from the history; a broken experiments file stops the start with file:line.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { RoutingResult } from '../../src/contracts/routing.ts';
import { assignVariant, loadExperiments, type Experiment } from '../../src/experiments/index.ts';
import { startService, type RunningService } from '../../src/service/serve.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import { cli } from '../cli/run-cli.ts';
import { tempFolder } from '../store/helpers.ts';
import { decidedTrace, eventually } from './history-contract.ts';
import { COMMIT, REGISTRY, sample, silent } from './helpers.ts';

const EXPERIMENTS = `experiments:
  - name: fuzzy-vs-lexical
    salt: test-salt-1
    key: correlation_id
    variants:
      - name: control
        share: 0.5
        strategy: lexical
      - name: reference
        share: 0.5
        strategy: enhanced_fuzzy_matching
        min_confidence: 0.3
`;

const folder = await tempFolder();
after(() => folder.remove());

describe('A/B experiments in the service', () => {
  const file = path.join(folder.dir, 'experiments.yaml');
  const db = path.join(folder.dir, 'decisions.db');
  let running: RunningService;
  let experiment: Experiment;
  const route = (body: unknown, correlationId = randomUUID()) =>
    fetch(`${running.url}/route`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-correlation-id': correlationId }, body: JSON.stringify(body) });

  before(async () => {
    await writeFile(file, EXPERIMENTS);
    [experiment] = (await loadExperiments(file)).experiments;
    running = await startService({
      logger: silent, registry: [REGISTRY], httpPort: 0, experiments: file, history: { db, spoolDir: path.join(folder.dir, 'spool') },
    });
  });
  after(() => running?.stop());

  test('each request is routed with its sticky variant, recorded on its decision', async () => {
    const ids = Array.from({ length: 200 }, () => randomUUID());
    const seen = new Map<string, number>();
    for (const id of ids) {
      const result = (await (await route({ user_request: COMMIT }, id)).json()) as RoutingResult;
      const variant = assignVariant(experiment, id);
      assert.equal(result.routing_metadata.routing_strategy, variant.options.routing_strategy);
      seen.set(variant.name, (seen.get(variant.name) ?? 0) + 1);
    }
    // Both variants get traffic (200 keys at 50/50; exact shares are the assignment's own test).
    assert.ok((seen.get('control') ?? 0) > 60 && (seen.get('reference') ?? 0) > 60, JSON.stringify([...seen]));
    const store = new SqliteStore(db);
    try {
      const last = await decidedTrace(store, ids.at(-1)!);
      assert.equal(last.decisions[0].experiment, 'fuzzy-vs-lexical');
      assert.equal(last.decisions[0].variant, assignVariant(experiment, ids.at(-1)!).name);
    } finally {
      await store.close();
    }
    const metrics = await (await fetch(`${running.url}/metrics`)).text();
    assert.equal(sample(metrics, 'switchboard_experiment_decisions_total', { experiment: 'fuzzy-vs-lexical', variant: 'control' }), seen.get('control'));
  });

  test("a treatment variant's decision is decided again with the control's options after the answer; the report gives their agreement", async () => {
    const ids = Array.from({ length: 30 }, () => randomUUID());
    const treated = ids.filter((id) => assignVariant(experiment, id).name === 'reference');
    const REQUESTS = [COMMIT, 'what is the boiling point of water'];
    for (const [i, id] of ids.entries()) await route({ user_request: REQUESTS[i % 2] }, id);
    const store = new SqliteStore(db);
    try {
      const traces = await eventually(async () => {
        const found = await Promise.all(treated.map((id) => store.trace(id)));
        return found.every((trace) => trace?.comparisons.length === 1) ? found : undefined;
      });
      for (const [i, trace] of traces.entries()) {
        const [comparison] = trace!.comparisons;
        assert.deepEqual([comparison.path_a, comparison.path_b], ['variant:reference', 'control:control']);
        assert.equal(comparison.agent_a, trace!.decisions[0].selected_agent);
        // What the control answers for the same request, asked directly.
        const request = REQUESTS[ids.indexOf(treated[i]) % 2];
        const direct = (await (await route({ user_request: request, options: { routing_strategy: 'lexical' } })).json()) as RoutingResult;
        assert.equal(comparison.agent_b, direct.selected_agent);
      }
      const control = ids.find((id) => !treated.includes(id))!;
      assert.deepEqual((await store.trace(control))?.comparisons, [], "the control's own decisions are not decided twice");
      // An explicit request is decided alike by every variant: no comparison to inflate agreement.
      // A treatment request sent after it is compared, so the queue has moved past it.
      const [explicit, after] = Array.from({ length: 40 }, () => randomUUID()).filter((id) => assignVariant(experiment, id).name === 'reference');
      const result = (await (await route({ user_request: `@commit ${COMMIT}` }, explicit)).json()) as RoutingResult;
      assert.equal(result.routing_policy, 'explicit_request');
      await route({ user_request: COMMIT }, after);
      await eventually(async () => ((await store.trace(after))?.comparisons.length === 1 ? true : undefined));
      assert.deepEqual((await decidedTrace(store, explicit)).comparisons, []);
    } finally {
      await store.close();
    }
    const metrics = await (await fetch(`${running.url}/metrics`)).text();
    const counted = ['match', 'differ'].reduce((sum, result) => sum + sample(metrics, 'switchboard_control_comparisons_total', { result }), 0);
    assert.ok(counted >= treated.length, `${counted} control comparisons counted for ${treated.length} treatment decisions`);
    const report = await cli(['experiments', 'report', '--experiments', file, '--db', db, '--since', '1h', '--json']);
    const [a, b] = JSON.parse(report.stdout).experiments[0].variants;
    assert.deepEqual([a.agreement, a.compared], [null, 0]);
    const human = await cli(['trace', treated[0], '--db', db]);
    assert.match(human.stdout, /decision .* experiment fuzzy-vs-lexical\/reference/);
    assert.match(human.stdout, /compare {2}variant:reference \S+ vs control:control \S+: (match|differ)/);
    assert.ok(b.compared >= treated.length && b.agreement !== null && b.agreement >= 0 && b.agreement <= 1, JSON.stringify(b));
  });

  test('options that are not an object are refused as without experiments, not replaced by a variant', async () => {
    const response = await route({ user_request: COMMIT, options: 'fast' });
    assert.equal(response.status, 400);
    assert.equal(((await response.json()) as { error_code: string }).error_code, 'INVALID_REQUEST');
  });

  test('a request that names its strategy stays out of the experiment', async () => {
    const id = randomUUID();
    const result = (await (await route({ user_request: COMMIT, options: { routing_strategy: 'lexical' } }, id)).json()) as RoutingResult;
    assert.equal(result.routing_metadata.routing_strategy, 'lexical');
    const store = new SqliteStore(db);
    try {
      const trace = await decidedTrace(store, id);
      assert.equal(trace.decisions[0].experiment, null);
    } finally {
      await store.close();
    }
  });

  test('experiments report compares the variants, outcomes included', async () => {
    // Outcomes: every decision of the control succeeds, none of the reference.
    const store = new SqliteStore(db);
    const rows = await store.experimentDecisions({ since: new Date(0), experiment: 'fuzzy-vs-lexical' });
    await store.close();
    const ids = Array.from({ length: 40 }, () => randomUUID());
    for (const id of ids) {
      await route({ user_request: COMMIT }, id);
      const success = assignVariant(experiment, id).name === 'control';
      assert.equal((await fetch(`${running.url}/feedback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ correlation_id: id, success }) })).status, 200);
    }
    const report = await cli(['experiments', 'report', '--experiments', file, '--db', db, '--since', '1h', '--json']);
    assert.equal(report.status, 0, report.stderr);
    const { experiments } = JSON.parse(report.stdout);
    const [{ control, variants }] = experiments;
    assert.equal(control, 'control');
    const [a, b] = variants;
    assert.equal(a.decisions + b.decisions, rows.length + 40);
    assert.equal(a.success_rate, 1);
    assert.equal(b.success_rate, 0);
    assert.equal(a.outcomes + b.outcomes, 40);
    assert.ok(b.vs_control.p_value < 0.001);
    const human = await cli(['experiments', 'report', '--experiments', file, '--db', db]);
    assert.match(human.stdout, /control \(control\)/);
  });

  test('a broken experiments file stops the start and names file:line; validate says the same', async () => {
    const broken = path.join(folder.dir, 'broken.yaml');
    await writeFile(broken, EXPERIMENTS.replace('share: 0.5\n        strategy: enhanced', 'share: 0.7\n        strategy: enhanced'));
    await assert.rejects(startService({ logger: silent, registry: [REGISTRY], httpPort: 0, experiments: broken, history: false }), (error: Error) => {
      assert.match(error.message, new RegExp(`${broken.replaceAll('.', '\\.')}:\\d+: .*shares`));
      return true;
    });
    const validate = await cli(['experiments', 'validate', '--experiments', broken]);
    assert.equal(validate.status, 1);
    assert.match(validate.stderr, /broken\.yaml:\d+: /);
    assert.equal((await cli(['experiments', 'validate', '--experiments', file])).status, 0);
  });
});
