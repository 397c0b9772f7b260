import { randomUUID } from 'node:crypto';
import { kafkaBrokers } from '../../client/kafka.ts';
import { topicNames } from '../../contracts/topics.ts';
import { SwitchboardError } from '../../errors.ts';
import { openRouter } from '../../open-router.ts';
import { readKafkaRecordings, type KafkaStart } from '../../ops/kafka-recordings.ts';
import { replay, type Recording, type ReplayDecision, type ReplayReport, type ReplayRow } from '../../ops/replay.ts';
import { storeRecordings } from '../../ops/store-recordings.ts';
import type { DecisionStore } from '../../store/decision-store.ts';
import { openReadyStore } from '../../store/open-store.ts';
import { printIssue, table } from '../format.ts';
import { parseCommand, parseSince, REGISTRY_OPTION, registryPaths } from '../options.ts';
import { progressBar } from '../progress.ts';

const USAGE = `usage: switchboard replay --from kafka --since T|--offsets P:O,… [--kafka BROKERS] [--topic-prefix P]
       switchboard replay --from db --since T [--db URL]`;

const REQUEST_CHARS = 60;

type Source =
  | { readonly from: 'kafka'; readonly brokers: string[]; readonly prefix: string | undefined; readonly start: KafkaStart }
  | { readonly from: 'db'; readonly since: Date };

/** `--offsets 0:120,2:7`: partition → first offset to read. */
function parseOffsets(value: string): Map<number, bigint> {
  const offsets = new Map<number, bigint>();
  for (const item of value.split(',')) {
    const match = /^\s*(\d+):(\d+)\s*$/.exec(item);
    if (match === null) throw new SwitchboardError('USAGE', `--offsets expects partition:offset[,…], got '${value}'`);
    const partition = Number(match[1]);
    if (offsets.has(partition)) throw new SwitchboardError('USAGE', `--offsets names partition ${partition} twice`);
    offsets.set(partition, BigInt(match[2]));
  }
  return offsets;
}

function sourceOf(values: { from?: string; since?: string; offsets?: string; kafka?: string; 'topic-prefix'?: string }): Source {
  if (values.from === 'db') {
    if (values.since === undefined || values.offsets !== undefined) throw new SwitchboardError('USAGE', `replay --from db needs --since T (no --offsets)\n${USAGE}`);
    return { from: 'db', since: parseSince(values.since) };
  }
  if (values.from !== 'kafka') throw new SwitchboardError('USAGE', `replay needs --from kafka or --from db\n${USAGE}`);
  if ((values.since === undefined) === (values.offsets === undefined)) {
    throw new SwitchboardError('USAGE', `replay --from kafka needs either --since T or --offsets P:O,…\n${USAGE}`);
  }
  const brokers = kafkaBrokers(values.kafka);
  if (brokers === undefined) throw new SwitchboardError('USAGE', 'replay --from kafka needs --kafka BROKERS (or KAFKA_BROKERS)');
  const start = values.since !== undefined ? { since: parseSince(values.since) } : { offsets: parseOffsets(values.offsets!) };
  return { from: 'kafka', brokers, prefix: values['topic-prefix'], start };
}

/** Reads the whole window first: requests are matched with replies that come later on another topic. */
async function kafkaRecordings(source: Extract<Source, { from: 'kafka' }>): Promise<{ recordings: Recording[]; total: number; skipped: number }> {
  const topics = topicNames(source.prefix);
  const { KafkaReader } = await import('../../transport/kafka-reader.ts');
  const reader = new KafkaReader({ brokers: source.brokers, clientId: 'switchboard-replay' });
  try {
    const { recordings, skipped } = await readKafkaRecordings(reader, topics, source.start);
    if (skipped.unanswered > 0) {
      process.stderr.write(`switchboard: skipped ${skipped.unanswered} request(s) with no reply on ${topics.completed} or ${topics.failed} (expired, or not answered)\n`);
    }
    if (skipped.unreadable > 0) process.stderr.write(`switchboard: skipped ${skipped.unreadable} unreadable record(s) on ${topics.requested}\n`);
    return { recordings, total: recordings.length, skipped: skipped.unanswered + skipped.unreadable };
  } finally {
    await reader.close();
  }
}

/** A replayed row as a shadow comparison: the recorded decision against the replayed one. */
async function recordComparison(store: DecisionStore, row: ReplayRow): Promise<void> {
  await store.writeComparison({
    comparison_id: randomUUID(),
    correlation_id: row.correlation_id,
    path_a: 'original',
    path_b: `replay:${row.strategy}`,
    agent_a: row.original.agent,
    agent_b: row.replayed.agent,
    confidence_a: row.original.confidence,
    confidence_b: row.replayed.confidence,
    match: !row.changed,
    // The columns are required; a failed reply carries no time.
    time_a_ms: row.original.time_ms ?? 0,
    time_b_ms: row.replayed.time_ms ?? 0,
  });
}

function describeDecision(decision: ReplayDecision): string {
  if (decision.error_code !== null) return `(failed: ${decision.error_code})`;
  if (decision.agent === null) return '(no match)';
  return decision.confidence === null ? decision.agent : `${decision.agent} ${decision.confidence.toFixed(3)}`;
}

function shorten(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= REQUEST_CHARS ? line : `${line.slice(0, REQUEST_CHARS - 1)}…`;
}

function printReport(report: ReplayReport, strategy: string | undefined, skipped: number): void {
  const lines = [
    `replayed ${report.replayed} request(s) · strategy ${strategy ?? 'as recorded'} · ${report.changed} decision(s) changed${skipped > 0 ? ` · ${skipped} skipped` : ''}`,
  ];
  if (report.changed > 0) {
    const agent = (name: string | null) => name ?? '(none)';
    lines.push('', 'changed, by agent:', table(['from', 'to', 'n'], report.by_agent.map((t) => [agent(t.from), agent(t.to), String(t.n)])));
    const rows = report.changes.map((row) => [row.correlation_id, shorten(row.request), `${describeDecision(row.original)} → ${describeDecision(row.replayed)}`]);
    lines.push('', table(['correlation_id', 'request', 'original → replayed'], rows));
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** `switchboard replay`: recorded requests re-run through a strategy and registry, and what changed. */
export async function runReplay(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    ...REGISTRY_OPTION,
    from: { type: 'string' },
    since: { type: 'string' },
    offsets: { type: 'string' },
    kafka: { type: 'string' },
    'topic-prefix': { type: 'string' },
    db: { type: 'string' },
    strategy: { type: 'string', short: 's' },
    model: { type: 'string' },
    record: { type: 'boolean' },
    json: { type: 'boolean' },
  });
  if (positionals.length > 0) throw new SwitchboardError('USAGE', USAGE);
  const source = sourceOf(values);
  // The router first: a bad registry or strategy fails before anything is read.
  const { router, encoder } = await openRouter(registryPaths(values.registry), {
    cache: false,
    defaultStrategy: values.strategy,
    model: values.model,
    onIssue: (issue) => issue.severity === 'error' && printIssue(issue),
    onNotice: (message) => process.stderr.write(`switchboard: ${message}\n`),
  });
  let store: DecisionStore | undefined;
  try {
    store = source.from === 'db' || values.record ? await openReadyStore(values.db) : undefined;
    // The history is read a page at a time, so its total is not known up front.
    const { recordings, total, skipped } =
      source.from === 'kafka' ? await kafkaRecordings(source) : { recordings: storeRecordings(store!, source.since), total: undefined, skipped: 0 };
    const progress = progressBar('replay');
    const recordTo = values.record ? store : undefined;
    let done = 0;
    const report = await replay(recordings, router, {
      strategy: values.strategy,
      onRow: async (row) => {
        progress.update(++done, total);
        if (recordTo !== undefined) await recordComparison(recordTo, row);
      },
    }).finally(() => progress.end());
    if (values.json) {
      const changes = report.changes.map(({ changed: _, ...row }) => row);
      process.stdout.write(`${JSON.stringify({ strategy: values.strategy ?? null, replayed: report.replayed, changed: report.changed, skipped, by_agent: report.by_agent, changes })}\n`);
    } else {
      printReport(report, values.strategy, skipped);
    }
    if (recordTo !== undefined) process.stderr.write(`switchboard: recorded ${report.replayed} comparison(s) in ${recordTo.location}\n`);
    return 0;
  } finally {
    await store?.close();
    await encoder?.close();
  }
}
