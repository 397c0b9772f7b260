import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FailedPayload } from '../../src/contracts/events.ts';
import type { RoutingResult } from '../../src/contracts/routing.ts';
import { HISTORY_POLICY, historicalScore } from '../../src/routing/history.ts';
import type { HistoryStatus } from '../../src/service/history.ts';
import { startService, type RunningService } from '../../src/service/serve.ts';
import type { DecisionStore, Trace } from '../../src/store/decision-store.ts';
import { decision } from '../store/helpers.ts';
import { sample, silent } from './helpers.ts';

/** Two agents with the same words: their order is the registry's until outcomes tell them apart. */
const TWINS = `agents:
  - name: sql-formatter-a
    description: Formats SQL queries
    triggers: [format sql]
  - name: sql-formatter-b
    description: Formats SQL queries
    triggers: [format sql]
  - name: kubernetes-operator
    description: Deploys and troubleshoots kubernetes clusters, pods and helm charts
    triggers: [kubernetes, helm chart]
`;
const TWIN_REQUEST = { user_request: 'format sql for me', options: { min_confidence: 0 } };

export interface HistoryBackend {
  /** `--db` for the service: a fresh, empty database. */
  readonly db: string;
  /** A store on that database, for reading what the service wrote. */
  open(): Promise<DecisionStore>;
  readonly dir: string;
}

/**
 * The decision history as a user of the service meets it (SPEC §5, issue 7), over HTTP, run
 * against each store: every decision lands once with its fields, feedback is checked and
 * recorded, outcomes move historical scores and the ranking, and hostile text stays data.
 */
export function historyContract(name: string, backend: () => Promise<HistoryBackend | { skip: string }>): void {
  describe(`decision history on ${name}`, () => {
    let running: RunningService;
    let store: DecisionStore;
    let skip: string | undefined;
    const post = (endpoint: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${running.url}${endpoint}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
    const metrics = async () => (await fetch(`${running.url}/metrics`)).text();

    before(async () => {
      const chosen = await backend();
      if ('skip' in chosen) {
        skip = chosen.skip;
        return;
      }
      await mkdir(chosen.dir, { recursive: true });
      const registry = path.join(chosen.dir, 'twins.yaml');
      await writeFile(registry, TWINS);
      running = await startService({
        logger: silent,
        registry: [registry],
        strategy: 'lexical',
        httpPort: 0,
        history: { db: chosen.db, spoolDir: path.join(chosen.dir, 'spool'), refreshMs: 50 },
      });
      store = await chosen.open();
    });
    after(async () => {
      await running?.stop();
      await store?.close();
    });

    test('an HTTP decision lands once, with every field, under the correlation id the caller chose', async (t) => {
      if (skip) return t.skip(skip);
      const correlationId = randomUUID();
      const response = await post('/route', { user_request: 'deploy the helm chart to kubernetes', context: { domain: 'infra' } }, { 'x-correlation-id': correlationId });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('x-correlation-id'), correlationId);
      const result = (await response.json()) as RoutingResult;
      const trace = await decidedTrace(store, correlationId);
      assert.equal(trace.request?.user_request, 'deploy the helm chart to kubernetes');
      assert.deepEqual(trace.request?.context, { domain: 'infra' });
      assert.equal(trace.decisions.length, 1);
      const [recorded] = trace.decisions;
      assert.equal(recorded.selected_agent, result.selected_agent);
      assert.equal(recorded.selected_agent, 'kubernetes-operator');
      assert.deepEqual(recorded.confidence, result.recommendations[0].confidence);
      assert.equal(recorded.routing_path, 'http');
      assert.equal(recorded.transport, 'http');
      assert.equal(recorded.strategy, 'lexical');
      assert.equal(recorded.registry_version, running.service.registryVersion);
      assert.equal(recorded.cache_hit, false);
      assert.ok(recorded.latency_ms > 0);
      assert.match(recorded.service_instance ?? '', /:\d+$/);
    });

    test('without a correlation id the service names the decision; a malformed one is refused', async (t) => {
      if (skip) return t.skip(skip);
      const response = await post('/route', { user_request: 'format sql please' });
      const correlationId = response.headers.get('x-correlation-id');
      assert.match(correlationId ?? '', /^[0-9a-f-]{36}$/);
      await eventually(() => store.trace(correlationId!));
      const bad = await post('/route', { user_request: 'format sql please' }, { 'x-correlation-id': 'nope' });
      assert.equal(bad.status, 400);
      assert.equal(((await bad.json()) as FailedPayload).error_code, 'INVALID_REQUEST');
    });

    test('feedback is recorded for a known decision and refused, with the right code and a count, otherwise', async (t) => {
      if (skip) return t.skip(skip);
      const correlationId = randomUUID();
      await post('/route', { user_request: 'format sql please' }, { 'x-correlation-id': correlationId });
      const ok = await post('/feedback', { correlation_id: correlationId, success: true, quality_score: 0.9, note: 'worked', source: 'test' });
      assert.equal(ok.status, 200);
      assert.deepEqual(await ok.json(), { recorded: true, correlation_id: correlationId });
      const trace = await store.trace(correlationId);
      assert.deepEqual(trace?.outcomes.map(({ success, quality_score, note, source }) => ({ success, quality_score, note, source })), [
        { success: true, quality_score: 0.9, note: 'worked', source: 'test' },
      ]);

      const refused = [
        [{ correlation_id: randomUUID(), success: true }, 404],
        [{ correlation_id: correlationId, success: true, quality_score: 1.5 }, 400],
        [{ correlation_id: correlationId, success: true, quality_score: -0.1 }, 400],
        [{ correlation_id: correlationId, success: true, note: 'x'.repeat(2_001) }, 400],
        [{ correlation_id: correlationId }, 400],
        [{ correlation_id: 'not-a-uuid', success: true }, 400],
        ['{"correlation_id": ', 400],
      ] as const;
      for (const [body, status] of refused) {
        const response = await post('/feedback', body);
        assert.equal(response.status, status, JSON.stringify(body).slice(0, 80));
        assert.equal(((await response.json()) as FailedPayload).error_code, 'INVALID_REQUEST');
      }
      const text = await metrics();
      assert.equal(sample(text, 'switchboard_feedback_total', { result: 'recorded', transport: 'http' }), 1);
      assert.equal(sample(text, 'switchboard_feedback_total', { result: 'unknown_correlation_id', transport: 'http' }), 1);
      assert.equal(sample(text, 'switchboard_feedback_total', { result: 'invalid', transport: 'http' }), 6);
      assert.deepEqual((await store.trace(correlationId))?.outcomes.length, 1, 'nothing written for the refused ones');
    });

    test('outcomes change the historical score and so the ranking; the score stays within the prior and window', async (t) => {
      if (skip) return t.skip(skip);
      const ranking = async () =>
        ((await (await post('/route', TWIN_REQUEST)).json()) as RoutingResult).recommendations.map((r) => [r.agent_name, r.confidence.historical_score] as const);
      assert.deepEqual((await ranking()).slice(0, 2), [['sql-formatter-a', 0.5], ['sql-formatter-b', 0.5]]);
      // Users report: b served them well, a did not (decisions made elsewhere, outcomes sent to this service).
      for (const [agent, success] of [['sql-formatter-b', true], ['sql-formatter-b', true], ['sql-formatter-b', true], ['sql-formatter-a', false], ['sql-formatter-a', false]] as const) {
        const record = decision({ selected_agent: agent });
        await store.writeDecisions([record]);
        assert.equal((await post('/feedback', { correlation_id: record.correlation_id, success })).status, 200);
      }
      const after = await eventually(async () => {
        const ranked = await ranking();
        // Refreshes run while the outcomes arrive: wait for the snapshot that has all five.
        return ranked[0][0] === 'sql-formatter-b' && ranked[0][1] > 0.5 && ranked[1][1] < 0.5 ? ranked : undefined;
      });
      assert.deepEqual(after.slice(0, 2).map(([agent]) => agent), ['sql-formatter-b', 'sql-formatter-a']);
      assert.equal(running.history?.status().history_version.startsWith('h-'), true);

      // 1,000 more successes for b: its score stops at the bound the prior and the window allow.
      const many = Array.from({ length: 1_000 }, () => decision({ selected_agent: 'sql-formatter-b' }));
      await store.writeDecisions(many);
      for (const record of many) await store.writeOutcome({ correlation_id: record.correlation_id, success: true });
      const bound = historicalScore({ successes: HISTORY_POLICY.perAgent, failures: 0 });
      const bounded = await eventually(async () => {
        const ranked = await ranking();
        return Math.abs(ranked[0][1] - bound) < 1e-6 ? ranked : undefined;
      });
      assert.equal(bounded[0][0], 'sql-formatter-b');
      assert.ok(bounded[0][1] < 0.96);
    });

    test('quotes and injection text in requests, notes and sources are stored as data; every table stays intact', async (t) => {
      if (skip) return t.skip(skip);
      const evil = `'); drop table decisions; drop table outcomes; -- " \\ ? $1 ü`;
      const correlationId = randomUUID();
      const routed = await post('/route', { user_request: `format sql ${evil}`, context: { domain: evil } }, { 'x-correlation-id': correlationId });
      assert.equal(routed.status, 200);
      await eventually(() => store.trace(correlationId));
      assert.equal((await post('/feedback', { correlation_id: correlationId, success: false, note: evil, source: evil })).status, 200);
      const trace = await store.trace(correlationId);
      assert.equal(trace?.request?.user_request, `format sql ${evil}`);
      assert.equal(trace?.outcomes[0].note, evil);
      assert.equal(trace?.outcomes[0].source, evil);
      const stats = await store.stats({ since: new Date(0) });
      assert.ok(stats.decisions > 0);
      assert.ok(stats.by_agent.length > 0);
    });

    test('/health and /metrics show the store and its writer', async (t) => {
      if (skip) return t.skip(skip);
      const { db: health } = (await (await fetch(`${running.url}/health`)).json()) as { db: HistoryStatus };
      assert.equal(health.backend, name);
      assert.equal(health.state, 'ok');
      assert.ok(health.rows_written > 0);
      assert.equal(health.dropped_rows, 0);
      const text = await metrics();
      assert.ok(sample(text, 'switchboard_history_rows_written_total') > 0);
      assert.equal(sample(text, 'switchboard_history_spooling'), 0);
      assert.equal(sample(text, 'switchboard_history_dropped_rows_total'), 0);
    });
  });
}

/** Polls until `read` gives a value (the writer works in the background), for up to 10 s. */
/** The trace of `correlationId` once it holds a decision: its request row may commit first. */
export function decidedTrace(store: Pick<DecisionStore, 'trace'>, correlationId: string): Promise<Trace> {
  return eventually(async () => {
    const trace = await store.trace(correlationId);
    return trace !== null && trace.decisions.length > 0 ? trace : undefined;
  });
}

export async function eventually<T>(read: () => Promise<T | null | undefined>): Promise<T> {
  const deadline = Date.now() + 10_000;
  while (true) {
    const value = await read();
    if (value !== null && value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting for the history');
    await sleep(20);
  }
}
