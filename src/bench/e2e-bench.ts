import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { RoutingHttpClient } from '../client/http-client.ts';
import { connectOverKafka } from '../client/kafka.ts';
import type { RemoteRouter } from '../client/remote.ts';
import { topicNames } from '../contracts/topics.ts';
import { SwitchboardError } from '../errors.ts';

export interface E2eOptions {
  /** `kafka`: over the request topic of `brokers`; `http`: POST /route to a service on the in-process bus. */
  readonly transport: 'kafka' | 'http';
  readonly brokers?: readonly string[];
  /** More `serve` flags: the service's history and shadow settings. */
  readonly serveArgs: readonly string[];
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

/** What one `bench e2e` measured: its two runs, and the service's memory after them. */
export interface E2eReport {
  readonly runs: readonly E2eRun[];
  /** The service process's peak resident memory (Linux `VmHWM`); undefined where /proc is not there. */
  readonly servicePeakRssMiB: number | undefined;
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

/** `switchboard serve` as its own process (on Kafka with topics of this run's own); resolves with its URL when it serves. */
async function startService(options: E2eOptions, prefix: string) {
  const args = ['serve', '--topic-prefix', prefix, '--http-port', '0', '--strategy', options.strategy, ...options.serveArgs];
  if (options.transport === 'kafka') args.push('--kafka', options.brokers!.join(','));
  for (const path of options.registry) args.push('--registry', path);
  const child = spawn(resolve(ROOT, 'bin/switchboard'), args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  const exited = once(child, 'exit');
  await new Promise<void>((ready, fail) => {
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      log += chunk;
      if (/switchboard serving on http:\/\/[\d.:]+/.test(log)) ready();
    });
    void exited.then(() => fail(new SwitchboardError('SERVICE_UNAVAILABLE', `the service exited before serving:\n${log.slice(-2000)}`)));
  });
  const url = /switchboard serving on (http:\/\/[\d.:]+)/.exec(log)![1];
  return { url, pid: child.pid!, stop: async () => (child.kill('SIGTERM'), await exited) };
}

/** Peak resident memory of process `pid` in MiB, from /proc (the shim execs Node, so it is the service's own). */
function peakRssMiB(pid: number): number | undefined {
  try {
    const kB = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kB === undefined ? undefined : Math.round(Number(kB) / 1024);
  } catch {
    return undefined;
  }
}

async function connect(options: E2eOptions, prefix: string, url: string): Promise<RemoteRouter & { close?(): Promise<void> }> {
  const timeoutMs = options.timeoutMs ?? 5000;
  if (options.transport === 'http') return new RoutingHttpClient(url, { timeoutMs });
  return connectOverKafka(options.brokers!, { topics: topicNames(prefix), timeoutMs });
}

/**
 * Round trips measured from a client process to a `serve` process (SPEC §4), through a real
 * broker or over HTTP: a paced run at `rate` for `durationS` (latency percentiles), then a closed
 * loop with 64 requests in flight for the same time (sustained throughput); then the service's
 * peak memory.
 */
export async function benchE2e(options: E2eOptions): Promise<E2eReport> {
  const prefix = `bench-${randomUUID().slice(0, 8)}`;
  const service = await startService(options, prefix);
  const client = await connect(options, prefix, service.url);
  let counter = 0;
  const next = () => `${options.requests[counter % options.requests.length]} (#${counter++})`;
  const timed = async (latencies: number[]): Promise<boolean> => {
    const started = performance.now();
    try {
      await client.send({ user_request: next() });
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
    return {
      runs: [
        summarise(`paced ${options.rate}/s`, paced, total, pacedFailed, pacedSeconds),
        summarise(`closed loop, ${IN_FLIGHT} in flight`, burst, burstSent, burstFailed, burstSeconds),
      ],
      servicePeakRssMiB: peakRssMiB(service.pid),
    };
  } finally {
    await client.close?.();
    await service.stop();
  }
}

export function e2eTable({ runs, servicePeakRssMiB }: E2eReport): string {
  const memory = servicePeakRssMiB === undefined ? [] : ['', `Service peak RSS: ${servicePeakRssMiB} MiB.`];
  return [
    '| run | sent | answered | failed | p50 ms | p95 ms | p99 ms | max ms | answered/s |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...runs.map((r) => `| ${r.name} | ${r.sent} | ${r.answered} | ${r.failed} | ${r.p50_ms} | ${r.p95_ms} | ${r.p99_ms} | ${r.max_ms} | ${r.throughput_per_s} |`),
    ...memory,
  ].join('\n');
}
