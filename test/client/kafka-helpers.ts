import type { TestContext } from 'node:test';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { topicNames, type TopicNames } from '../../src/contracts/topics.ts';
import { RoutingEventClient, type EventClientOptions } from '../../src/client/event-client.ts';
import { KafkaBus } from '../../src/transport/kafka-bus.ts';
import { BIN, ROOT } from '../cli/run-cli.ts';

/** Topics of a test's own on the shared broker, so that concurrent test files never read each other's requests. */
export function ownTopics(): { prefix: string; topics: TopicNames } {
  const prefix = `client-test-${randomUUID().slice(0, 8)}`;
  return { prefix, topics: topicNames(prefix) };
}

/** A client on a Kafka bus of its own, closed after the test. */
export function kafkaClient(t: TestContext, brokers: readonly string[], options: EventClientOptions): RoutingEventClient {
  const client = new RoutingEventClient(new KafkaBus({ brokers, clientId: 'switchboard-client-test' }), { ...options, ownsBus: true });
  t.after(() => client.close());
  return client;
}

/** p50, p99 and max of a list of milliseconds, rounded to 0.1 ms. */
export function percentiles(ms: readonly number[]): { p50: number; p99: number; max: number } {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] * 10) / 10;
  return { p50: at(0.5), p99: at(0.99), max: at(1) };
}

export interface ServiceProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<unknown>;
  /** The HTTP address it serves on. */
  readonly url: string;
}

/**
 * `bin/switchboard serve` as its own process (what an operator runs), resolved once it
 * logs that it is serving: its consumer is assigned by then. Killed after the test.
 */
export async function spawnService(t: TestContext, args: readonly string[], extraEnv: Record<string, string> = {}): Promise<ServiceProcess> {
  const { SWITCHBOARD_REGISTRY: _, ...env } = process.env;
  const child = spawn(BIN, ['serve', '--http-port', '0', ...args], {
    cwd: ROOT,
    env: { ...env, SWITCHBOARD_CACHE_DIR: path.join(os.tmpdir(), 'switchboard-test-cache'), ...extraEnv },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = once(child, 'exit');
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let log = '';
  const ready = new Promise<void>((resolve, reject) => {
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      log += chunk;
      if (/"msg":"switchboard serving on /.test(log)) resolve();
    });
    void exited.then(() => reject(new Error(`serve exited before it was ready:\n${log}`)));
  });
  await ready;
  const url = /switchboard serving on (http:\/\/[\d.:]+)/.exec(log)![1];
  return { child, exited, url };
}
