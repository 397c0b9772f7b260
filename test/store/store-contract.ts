import { randomUUID } from 'node:crypto';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { DecisionStore } from '../../src/store/decision-store.ts';
import { LATEST_VERSION, MIGRATIONS } from '../../src/store/migrations.ts';
import { decision, noMatch } from './helpers.ts';

/**
 * The one test suite every DecisionStore passes (SPEC §5: same schema, same contract).
 * `open` gives a store on an empty database of its own; each call opens another handle
 * on that same database.
 */
export function storeContract(name: string, open: () => Promise<DecisionStore>, options: { skip?: string } = {}): void {
  describe(`${name} store contract`, { skip: options.skip }, () => {
    let store: DecisionStore;
    before(async () => {
      store = await open();
    });
    after(() => store?.close());

    test('status before migrating lists every migration as pending', async () => {
      const status = await store.status();
      assert.equal(status.version, 0);
      assert.deepEqual(status.pending.map((m) => m.version), MIGRATIONS.map((m) => m.version));
    });

    test('migrate applies every migration once; running it again, even concurrently, changes nothing', async () => {
      const other = await open();
      try {
        const [first, second] = await Promise.all([store.migrate(), other.migrate()]);
        for (const status of [first, second, await store.migrate()]) {
          assert.equal(status.version, LATEST_VERSION);
          assert.deepEqual(status.pending, []);
          assert.equal(status.applied.length, MIGRATIONS.length);
        }
      } finally {
        await other.close();
      }
    });

    test('a decision comes back from trace with every field, request included', async () => {
      const record = decision();
      assert.equal(await store.writeDecisions([record]), 1);
      const trace = await store.trace(record.correlation_id);
      assert.ok(trace);
      const { correlation_id, request, context, options: requestOptions, received_at, ...stored } = record;
      assert.equal(trace.correlation_id, correlation_id);
      assert.deepEqual(trace.request, { user_request: request, context, options: requestOptions, received_at });
      assert.deepEqual(trace.decisions, [stored]);
      assert.deepEqual(trace.outcomes, []);
      assert.deepEqual(trace.comparisons, []);
    });

    test('writes are idempotent on decision_id: a replayed batch and duplicates inside a batch add nothing', async () => {
      const correlation = randomUUID();
      const batch = [decision({ correlation_id: correlation }), noMatch({ correlation_id: correlation, routing_path: 'local' })];
      assert.equal(await store.writeDecisions([...batch, batch[0]]), 2);
      assert.equal(await store.writeDecisions(batch), 0);
      const trace = await store.trace(correlation);
      assert.equal(trace?.decisions.length, 2);
      assert.deepEqual(trace?.decisions.map((d) => d.decision_id).sort(), batch.map((d) => d.decision_id).sort());
    });

    test('a batch larger than one multi-row statement is written whole', async () => {
      const batch = Array.from({ length: 2_345 }, (_, i) => decision({ latency_ms: i }));
      assert.equal(await store.writeDecisions(batch), batch.length);
      const last = await store.trace(batch.at(-1)!.correlation_id);
      assert.equal(last?.decisions[0].latency_ms, 2_344);
    });

    test('trace of an unknown or malformed correlation id is null', async () => {
      assert.equal(await store.trace(randomUUID()), null);
      assert.equal(await store.trace("x'; drop table decisions; --"), null);
    });

    test('trace lists decisions, outcomes and comparisons in time order', async () => {
      const correlation = randomUUID();
      const t0 = Date.parse('2026-01-01T00:00:00.000Z');
      const at = (ms: number) => new Date(t0 + ms).toISOString();
      const local = noMatch({ correlation_id: correlation, routing_path: 'local', decided_at: at(20) });
      const event = decision({ correlation_id: correlation, routing_path: 'event', decided_at: at(10) });
      await store.writeDecisions([local, event]);
      assert.equal(await store.writeOutcome({ correlation_id: correlation, success: false, recorded_at: at(40), source: 'user' }), true);
      assert.equal(await store.writeOutcome({ correlation_id: correlation, success: true, quality_score: 0.9, note: 'good', recorded_at: at(30) }), true);
      await store.writeComparison({
        comparison_id: randomUUID(), correlation_id: correlation, path_a: 'event', path_b: 'local', agent_a: 'security-auditor', agent_b: null,
        confidence_a: 0.82, confidence_b: null, match: false, time_a_ms: 3.5, time_b_ms: 0.4, compared_at: at(50),
      });
      const trace = await store.trace(correlation.toUpperCase());
      assert.deepEqual(trace?.decisions.map((d) => d.routing_path), ['event', 'local']);
      assert.deepEqual(trace?.outcomes, [
        { success: true, quality_score: 0.9, note: 'good', source: null, recorded_at: at(30) },
        { success: false, quality_score: null, note: null, source: 'user', recorded_at: at(40) },
      ]);
      assert.deepEqual(trace?.comparisons, [
        { path_a: 'event', path_b: 'local', agent_a: 'security-auditor', agent_b: null, confidence_a: 0.82, confidence_b: null, match: false, time_a_ms: 3.5, time_b_ms: 0.4, compared_at: at(50) },
      ]);
    });

    test('an outcome for an unknown correlation id writes nothing; bad outcomes are INVALID_REQUEST', async () => {
      assert.equal(await store.writeOutcome({ correlation_id: randomUUID(), success: true }), false);
      const known = decision();
      await store.writeDecisions([known]);
      for (const bad of [{ quality_score: 1.5 }, { quality_score: -0.1 }, { quality_score: Number.NaN }, { note: 'x'.repeat(2_001) }]) {
        await assert.rejects(store.writeOutcome({ correlation_id: known.correlation_id, success: true, ...bad }), { code: 'INVALID_REQUEST' });
      }
      await assert.rejects(store.writeOutcome({ correlation_id: 'not-a-uuid', success: true }), { code: 'INVALID_REQUEST' });
      assert.deepEqual((await store.trace(known.correlation_id))?.outcomes, []);
    });

    test('quotes and injection text are stored as data and every table stays intact', async () => {
      const evil = `'); drop table decisions; -- " \\ ? $1 ü`;
      const record = decision({ request: evil, selected_agent: evil, context: { domain: evil }, strategy: evil });
      await store.writeDecisions([record]);
      await store.writeOutcome({ correlation_id: record.correlation_id, success: true, note: evil, source: evil });
      const trace = await store.trace(record.correlation_id);
      assert.equal(trace?.request?.user_request, evil);
      assert.equal(trace?.decisions[0].selected_agent, evil);
      assert.equal(trace?.outcomes[0].note, evil);
      const stats = await store.stats({ since: new Date(0) });
      assert.ok(stats.decisions > 0);
      assert.ok(stats.by_agent.some((agent) => agent.agent === evil));
    });

    test('stats summarise the decisions, outcomes and comparisons since a time', async () => {
      const fresh = await open();
      const since = new Date(Date.now() + 3_600_000); // later than everything the other tests wrote
      const at = (ms: number) => new Date(since.getTime() + ms).toISOString();
      try {
        const old = decision({ decided_at: new Date(since.getTime() - 1).toISOString(), selected_agent: 'old-agent' });
        const a = Array.from({ length: 8 }, (_, i) =>
          decision({ selected_agent: 'alpha', latency_ms: i + 1, cache_hit: i < 2, routing_path: 'event', decided_at: at(i), confidence: { ...decision().confidence!, total: 0.5 + i / 100 } }),
        );
        const b = decision({ selected_agent: 'beta', latency_ms: 100, routing_path: 'local', decided_at: at(9) });
        const none = noMatch({ latency_ms: 9, routing_path: 'local', decided_at: at(10) });
        await fresh.writeDecisions([old, ...a, b, none]);
        await fresh.writeOutcome({ correlation_id: a[0].correlation_id, success: true, recorded_at: at(20) });
        await fresh.writeOutcome({ correlation_id: a[1].correlation_id, success: false, recorded_at: at(21) });
        await fresh.writeOutcome({ correlation_id: a[2].correlation_id, success: true, recorded_at: at(22) });
        await fresh.writeOutcome({ correlation_id: old.correlation_id, success: true, recorded_at: at(-5) });
        for (const match of [true, true, false]) {
          await fresh.writeComparison({ comparison_id: randomUUID(), correlation_id: b.correlation_id, path_a: 'event', path_b: 'local', agent_a: 'beta', agent_b: 'beta', confidence_a: 0.7, confidence_b: 0.6, match, time_a_ms: 2, time_b_ms: 1, compared_at: at(30) });
        }
        const stats = await fresh.stats({ since });
        assert.equal(stats.since, since.toISOString());
        assert.equal(stats.decisions, 10);
        assert.equal(stats.no_match_rate, 0.1);
        assert.equal(stats.cache_hit_rate, 0.2);
        // Latencies 1..8, 9, 100: nearest rank.
        assert.deepEqual(stats.latency_ms, { p50: 5, p95: 100, p99: 100 });
        assert.equal(stats.by_agent.length, 2);
        const [alpha, beta] = stats.by_agent;
        assert.equal(alpha.agent, 'alpha');
        assert.equal(alpha.decisions, 8);
        assert.ok(Math.abs((alpha.mean_confidence ?? 0) - 0.535) < 1e-9);
        assert.equal(alpha.outcomes, 3);
        assert.ok(Math.abs((alpha.success_rate ?? 0) - 2 / 3) < 1e-9);
        assert.deepEqual(beta, { agent: 'beta', decisions: 1, mean_confidence: 0.82, outcomes: 0, success_rate: null });
        assert.deepEqual(stats.by_path, { event: 8, local: 2 });
        assert.equal(stats.comparisons.n, 3);
        assert.ok(Math.abs((stats.comparisons.match_rate ?? 0) - 2 / 3) < 1e-9);
        assert.deepEqual(Object.keys(stats.comparisons.by_path_b), ['local']);

        const empty = await fresh.stats({ since: new Date(since.getTime() + 86_400_000) });
        assert.deepEqual(empty, {
          since: new Date(since.getTime() + 86_400_000).toISOString(), decisions: 0, no_match_rate: null, cache_hit_rate: null,
          latency_ms: { p50: null, p95: null, p99: null }, by_agent: [], by_path: {}, comparisons: { n: 0, match_rate: null, by_path_b: {} },
        });
      } finally {
        await fresh.close();
      }
    });

    test('agentOutcomes counts each agent\'s most recent outcomes inside the window', async () => {
      const agent = `agent-${randomUUID()}`;
      const other = `agent-${randomUUID()}`;
      const since = new Date(Date.now() - 60_000);
      const at = (ms: number) => new Date(since.getTime() + ms).toISOString();
      const decided = Array.from({ length: 6 }, () => decision({ selected_agent: agent }));
      const elsewhere = decision({ selected_agent: other });
      await store.writeDecisions([...decided, elsewhere]);
      // Oldest first: two failures, then four successes; one more outcome before the window.
      for (const [i, record] of decided.entries()) {
        await store.writeOutcome({ correlation_id: record.correlation_id, success: i >= 2, recorded_at: at(1_000 + i) });
      }
      await store.writeOutcome({ correlation_id: decided[0].correlation_id, success: false, recorded_at: at(-1) });
      await store.writeOutcome({ correlation_id: elsewhere.correlation_id, success: false, recorded_at: at(2_000) });
      const counts = (rows: Awaited<ReturnType<DecisionStore['agentOutcomes']>>) => rows.filter((row) => row.agent === agent || row.agent === other);
      assert.deepEqual(counts(await store.agentOutcomes({ since, perAgent: 100 })), [
        { agent, successes: 4, failures: 2 },
        { agent: other, successes: 0, failures: 1 },
      ].sort((a, b) => a.agent.localeCompare(b.agent)));
      // Only the 3 most recent: all successes.
      assert.deepEqual(counts(await store.agentOutcomes({ since, perAgent: 3 })).find((row) => row.agent === agent), { agent, successes: 3, failures: 0 });
    });

    test('servedRequests pages through successful outcomes with their request and agent', async () => {
      const since = new Date(0);
      const start = (await store.servedRequests({ afterId: 0, since, limit: 100_000 })).at(-1)?.outcome_id ?? 0;
      const served = decision({ request: 'rotate the signing keys', selected_agent: 'key-manager' });
      const failed = decision({ request: 'something that went wrong', selected_agent: 'key-manager' });
      const unmatched = noMatch({ request: 'nobody fits this' });
      await store.writeDecisions([served, failed, unmatched]);
      await store.writeOutcome({ correlation_id: served.correlation_id, success: true });
      await store.writeOutcome({ correlation_id: failed.correlation_id, success: false });
      await store.writeOutcome({ correlation_id: unmatched.correlation_id, success: true });
      const rows = await store.servedRequests({ afterId: start, since, limit: 10 });
      assert.deepEqual(rows.map(({ request, agent }) => ({ request, agent })), [{ request: 'rotate the signing keys', agent: 'key-manager' }]);
      assert.deepEqual(await store.servedRequests({ afterId: rows[0].outcome_id, since, limit: 10 }), []);
      // Outside the window: nothing, however new the id.
      assert.deepEqual(await store.servedRequests({ afterId: start, since: new Date(Date.now() + 60_000), limit: 10 }), []);
    });

    test('experimentDecisions lists one experiment\'s decisions with each request\'s latest outcome and its run with the control\'s options', async () => {
      const experiment = `exp-${randomUUID()}`;
      const since = new Date(Date.now() - 60_000);
      const control = decision({ experiment, variant: 'control', latency_ms: 2, selected_agent: 'a' });
      const treated = noMatch({ experiment, variant: 'treatment', latency_ms: 3 });
      const uncompared = decision({ experiment, variant: 'treatment', latency_ms: 4, selected_agent: 'b' });
      const elsewhere = decision({ experiment: 'other', variant: 'control' });
      const old = decision({ experiment, variant: 'control', decided_at: new Date(since.getTime() - 1).toISOString() });
      await store.writeDecisions([control, treated, uncompared, elsewhere, old]);
      await store.writeOutcome({ correlation_id: control.correlation_id, success: false, recorded_at: new Date(Date.now() - 1_000).toISOString() });
      await store.writeOutcome({ correlation_id: control.correlation_id, success: true });
      const compared = { agent_a: null, agent_b: 'a', confidence_a: null, confidence_b: 0.8, time_a_ms: 3, time_b_ms: 1 };
      await store.writeComparison({ ...compared, comparison_id: randomUUID(), correlation_id: treated.correlation_id, path_a: 'variant:treatment', path_b: 'control:control', match: false });
      // A shadow run of the same request is no run with the control's options.
      await store.writeComparison({ ...compared, comparison_id: randomUUID(), correlation_id: uncompared.correlation_id, path_a: 'primary:lexical', path_b: 'shadow:hybrid', match: true });
      const rows = (await store.experimentDecisions({ since, experiment })).sort((a, b) => a.variant.localeCompare(b.variant) || a.latency_ms - b.latency_ms);
      assert.deepEqual(rows, [
        { experiment, variant: 'control', selected_agent: 'a', confidence_total: control.confidence!.total, latency_ms: 2, outcome_success: true, control_match: null },
        { experiment, variant: 'treatment', selected_agent: null, confidence_total: null, latency_ms: 3, outcome_success: null, control_match: false },
        { experiment, variant: 'treatment', selected_agent: 'b', confidence_total: uncompared.confidence!.total, latency_ms: 4, outcome_success: null, control_match: null },
      ]);
    });

    test('recordedRequests pages through requests with the first decision each got since a time', async () => {
      const since = new Date(Date.now() + 7 * 86_400_000); // later than everything the other tests wrote
      const at = (ms: number) => new Date(since.getTime() + ms).toISOString();
      const [a, b, c, d] = Array.from({ length: 4 }, () => randomUUID());
      const first = decision({ correlation_id: a, selected_agent: 'alpha', strategy: 'lexical', latency_ms: 3, decided_at: at(10) });
      // A second decision for the same request (a hybrid answer, a shadow run) is not its original.
      const later = decision({ correlation_id: a, selected_agent: 'beta', routing_path: 'local', decided_at: at(30) });
      const unmatched = noMatch({ correlation_id: b, request: 'nobody fits this', context: { domain: 'x' }, options: { min_confidence: 0.7 }, decided_at: at(20) });
      const failed = noMatch({ correlation_id: c, error_code: 'INVALID_REQUEST', no_match_reason: null, strategy: null, decided_at: at(20) });
      // Decided before `since` and again after: the first decision inside the window counts.
      const before = decision({ correlation_id: d, decided_at: at(-1) });
      const inside = decision({ correlation_id: d, selected_agent: 'gamma', decided_at: at(40) });
      await store.writeDecisions([later, unmatched, first, failed, before, inside]);

      const firstPage = await store.recordedRequests({ since, limit: 2 });
      const rest = await store.recordedRequests({ since, limit: 10, afterCursor: firstPage.at(-1) });
      const rows = [...firstPage, ...rest];
      assert.equal(firstPage.length, 2);
      assert.deepEqual(rows.map((row) => [row.correlation_id, row.selected_agent]), [
        [a, 'alpha'],
        ...[[b, null], [c, null]].sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
        [d, 'gamma'],
      ]);
      assert.deepEqual(rows[0], {
        correlation_id: a, request: { user_request: first.request, context: first.context, options: first.options },
        selected_agent: 'alpha', confidence: first.confidence!.total, strategy: 'lexical', error_code: null, latency_ms: 3, decided_at: at(10),
      });
      const byId = new Map(rows.map((row) => [row.correlation_id, row]));
      assert.deepEqual(byId.get(b)?.request, { user_request: 'nobody fits this', context: { domain: 'x' }, options: { min_confidence: 0.7 } });
      assert.deepEqual([byId.get(b)?.confidence, byId.get(c)?.error_code, byId.get(c)?.strategy], [null, 'INVALID_REQUEST', null]);
      assert.deepEqual(await store.recordedRequests({ since, limit: 10, afterCursor: rows.at(-1) }), []);
    });
  });
}
