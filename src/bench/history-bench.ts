import { randomUUID } from 'node:crypto';
import type { ComparisonRecord, DecisionRecord } from '../store/decision-record.ts';
import type { DecisionStore } from '../store/decision-store.ts';
import { DecisionWriter } from '../store/decision-writer.ts';
import { StoreUnavailableError } from '../store/store-errors.ts';

export interface HistoryBench {
  readonly backend: DecisionStore['backend'];
  readonly decisions: number;
  /** Sustained rate from the first `record` to the last row written, batches of 500. */
  readonly writes_per_s: number;
  readonly batches: number;
  readonly mean_batch_ms: number;
  readonly max_batch_ms: number;
  /** The same number spooled during a simulated outage, then replayed in order when it ends. */
  readonly spooled_bytes: number;
  readonly replay_per_s: number;
}

const AGENTS = ['security-auditor', 'code-reviewer', 'commit-writer', 'kubernetes-operator', 'test-runner'];

/** A decision as the service records it: a real-sized request, breakdown and two alternatives. */
function syntheticDecision(i: number): DecisionRecord {
  const now = new Date();
  const breakdown = (total: number) => ({
    total, trigger_score: 0.9, context_score: 0.7, capability_score: 0.6, historical_score: 0.5, semantic_score: 0.61,
    explanation: 'Strong match (0.82), mostly from triggers: security, review',
  });
  return {
    decision_id: randomUUID(),
    correlation_id: randomUUID(),
    request: `review pull request #${i} for injection and authentication problems before release`,
    context: { domain: 'security' },
    options: { max_recommendations: 3 },
    received_at: new Date(now.getTime() - 2).toISOString(),
    selected_agent: AGENTS[i % AGENTS.length],
    no_match_reason: null,
    error_code: null,
    routing_policy: 'trigger_match',
    confidence: breakdown(0.82),
    alternatives: [1, 2].map((k) => ({ agent_name: AGENTS[(i + k) % AGENTS.length], confidence: breakdown(0.8 - k / 10), reason: "Trigger match: 'review'" })),
    strategy: 'hybrid',
    experiment: null,
    variant: null,
    latency_ms: 1.7,
    cache_hit: false,
    registry_version: 'v-bench',
    routing_path: 'http',
    transport: 'http',
    service_instance: 'bench:1',
    decided_at: now.toISOString(),
  };
}

/** The store, or "down" (unavailable) while `down` is set: the writer's outage, without touching the server. */
function switchable(store: DecisionStore): Pick<DecisionStore, 'writeDecisions' | 'writeComparison'> & { down: boolean } {
  const outage = () => Promise.reject(new StoreUnavailableError(store.location, new Error('outage simulated by the benchmark')));
  const target = {
    down: false,
    writeDecisions: (batch: readonly DecisionRecord[]) => (target.down ? outage() : store.writeDecisions(batch)),
    writeComparison: (comparison: ComparisonRecord) => (target.down ? outage() : store.writeComparison(comparison)),
  };
  return target;
}

async function drained(writer: DecisionWriter): Promise<void> {
  while (!(await writer.settled(60_000)));
}

/**
 * Decision history throughput (issue 7): `count` decisions recorded as fast as a caller can,
 * written in batches by the background writer; then `count` more recorded during an outage
 * (spooled to disk) and replayed when it ends. The store must be migrated and may hold data.
 */
export async function benchHistory(store: DecisionStore, spoolFile: string, count: number): Promise<HistoryBench> {
  const target = switchable(store);
  // A queue that holds the whole burst: the first phase measures batched writes, not the spool.
  const writer = new DecisionWriter({ store: target, spoolFile, maxQueue: count, retryBaseMs: 10, retryMaxMs: 50 });
  try {
    const records = Array.from({ length: count }, (_, i) => syntheticDecision(i));
    const started = performance.now();
    for (const record of records) writer.record(record);
    await drained(writer);
    const writeSeconds = (performance.now() - started) / 1000;
    const metrics = writer.metrics();

    target.down = true;
    for (let i = 0; i < count; i++) writer.record(syntheticDecision(i));
    while (writer.metrics().queue_depth > 0 || writer.metrics().spool_bytes === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    const spooled = writer.metrics().spool_bytes;
    const replayStarted = performance.now();
    target.down = false;
    await drained(writer);
    const replaySeconds = (performance.now() - replayStarted) / 1000;
    return {
      backend: store.backend,
      decisions: count,
      writes_per_s: Math.round(count / writeSeconds),
      batches: metrics.batches_written,
      mean_batch_ms: Math.round((metrics.batch_latency_ms.sum / metrics.batch_latency_ms.count) * 100) / 100,
      max_batch_ms: Math.round(metrics.batch_latency_ms.max * 100) / 100,
      spooled_bytes: spooled,
      replay_per_s: Math.round(count / replaySeconds),
    };
  } finally {
    await writer.close();
  }
}

export function historyTable(results: readonly HistoryBench[]): string {
  return [
    '| store | decisions | writes/s | batches | mean batch ms | max batch ms | spooled MB | replay/s |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...results.map((r) => `| ${r.backend} | ${r.decisions} | ${r.writes_per_s} | ${r.batches} | ${r.mean_batch_ms} | ${r.max_batch_ms} | ${(r.spooled_bytes / 2 ** 20).toFixed(1)} | ${r.replay_per_s} |`),
  ].join('\n');
}
