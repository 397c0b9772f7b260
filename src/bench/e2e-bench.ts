import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { connectOverKafka } from '../client/kafka.ts';
import { topicNames } from '../contracts/topics.ts';
import { SwitchboardError } from '../errors.ts';

export interface E2eOptions {
  readonly brokers: readonly string[];
  readonly registry: readonly string[];
  readonly strategy: string;
  /** Requests per second for the paced run. */
  readonly rate: number;
  readonly durationS: number;
  /** Requests to cycle through; each is made unique so that nothing is a cache hit. */
  readonly requests: readonly string[];
  readonly timeoutMs?: number;
}

export interface E2eRun {
  readonly name: string;
  readonly sent: number;
  readonly answered: number;
  readonly failed: number;
  readonly p50_ms: number;
  readonly p95_ms: number;
  readonly p99_ms: number;
  readonly max_ms: number;
  readonly throughput_per_s: number;
}

const ROOT = resolve(import.meta.dirname, '../..');
/** Requests kept in flight by the closed-loop run that measures sustained throughput. */
const IN_FLIGHT = 64;

function summarise(name: string, latencies: number[], sent: number, failed: number, seconds: number): E2eRun {
  const sorted = latencies.sort((a, b) => a - b);
  const at = (q: number) => Math.round((sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0) * 100) / 100;
  return {
    name,
    sent,
    answered: latencies.length,
    failed,
    p50_ms: at(0.5),
    p95_ms: at(0.95),
    p99_ms: at(0.99),
    max_ms: at(1),
    throughput_per_s: Math.round(latencies.length / seconds),
  };
}

/** `switchboard serve` on Kafka as its own process, with topics of this run's own; resolves when it serves. */
async function startService(options: E2eOptions, prefix: string) {
  const args = ['serve', '--kafka', options.brokers.join(','), '--topic-prefix', prefix, '--http-port', '0', '--strategy', options.strategy];
  for (const path of options.registry) args.push('--registry', path);
  const child = spawn(resolve(ROOT, 'bin/switchboard'), args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  const exited = once(child, 'exit');
  await new Promise<void>((ready, fail) => {
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      log += chunk;
      if (log.includes('switchboard serving on')) ready();
    });
    void exited.then(() => fail(new SwitchboardError('SERVICE_UNAVAILABLE', `the service exited before serving:\n${log.slice(-2000)}`)));
  });
  return { stop: async () => (child.kill('SIGTERM'), await exited) };
}

/**
 * Round trips through a real broker, measured from a client process to a `serve` process
 * (SPEC §4): a paced run at `rate` for `durationS` (latency percentiles), then a closed
 * loop with 64 requests in flight for the same time (sustained throughput).
 */
export async function benchE2e(options: E2eOptions): Promise<E2eRun[]> {
  const prefix = `bench-${randomUUID().slice(0, 8)}`;
  const service = await startService(options, prefix);
  const client = await connectOverKafka(options.brokers, { topics: topicNames(prefix), timeoutMs: options.timeoutMs ?? 5000 });
  let counter = 0;
  const next = () => `${options.requests[counter % options.requests.length]} (#${counter++})`;
  const timed = async (latencies: number[]): Promise<boolean> => {
    const started = performance.now();
    try {
      await client.requestRouting(next());
      latencies.push(performance.now() - started);
      return true;
    } catch {
      return false;
    }
  };
  try {
    for (let i = 0; i < 200; i++) await timed([]); // warm-up: JIT, connections, first fetches

    const paced: number[] = [];
    const pending: Promise<boolean>[] = [];
    const started = performance.now();
    const total = Math.round(options.rate * options.durationS);
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1000) / options.rate;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      pending.push(timed(paced));
    }
    const pacedFailed = (await Promise.all(pending)).filter((ok) => !ok).length;
    const pacedSeconds = (performance.now() - started) / 1000;

    const burst: number[] = [];
    let burstSent = 0;
    let burstFailed = 0;
    const burstStarted = performance.now();
    const until = burstStarted + options.durationS * 1000;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (performance.now() < until) {
          burstSent++;
          if (!(await timed(burst))) burstFailed++;
        }
      }),
    );
    const burstSeconds = (performance.now() - burstStarted) / 1000;
    return [
      summarise(`paced ${options.rate}/s`, paced, total, pacedFailed, pacedSeconds),
      summarise(`closed loop, ${IN_FLIGHT} in flight`, burst, burstSent, burstFailed, burstSeconds),
    ];
  } finally {
    await client.close();
    await service.stop();
  }
}

export function e2eTable(runs: readonly E2eRun[]): string {
  return [
    '| run | sent | answered | failed | p50 ms | p95 ms | p99 ms | max ms | answered/s |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...runs.map((r) => `| ${r.name} | ${r.sent} | ${r.answered} | ${r.failed} | ${r.p50_ms} | ${r.p95_ms} | ${r.p99_ms} | ${r.max_ms} | ${r.throughput_per_s} |`),
  ].join('\n');
}
