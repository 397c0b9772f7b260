/** `switchboard bench e2e` against the run's real broker: the shape users script against. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kafkaForTests } from '../support/kafka.ts';
import { cli } from './run-cli.ts';

const kafka = kafkaForTests();

test('bench e2e measures paced and closed-loop round trips through Kafka to a serve process', { skip: 'skip' in kafka ? kafka.skip : false }, async () => {
  if ('skip' in kafka) return;
  const run = await cli(['bench', 'e2e', '--kafka', kafka.brokers.join(','), '--rate', '50', '--duration', '1', '--json', '--no-write']);
  assert.equal(run.status, 0, run.stderr);
  const report = JSON.parse(run.stdout) as {
    strategy: string;
    runs: { name: string; sent: number; answered: number; failed: number; p50_ms: number; p99_ms: number; throughput_per_s: number }[];
    service_peak_rss_mib: number | null;
  };
  assert.equal(report.strategy, 'lexical');
  if (process.platform === 'linux') assert.ok(report.service_peak_rss_mib! > 0, `the service's peak memory: ${report.service_peak_rss_mib}`);
  else assert.equal(report.service_peak_rss_mib, null);
  assert.deepEqual(report.runs.map((r) => r.name), ['paced 50/s', 'closed loop, 64 in flight']);
  for (const r of report.runs) {
    assert.equal(r.answered + r.failed, r.sent);
    assert.equal(r.failed, 0, `${r.name}: every request answered`);
    assert.ok(r.p50_ms > 0 && r.p99_ms >= r.p50_ms && r.throughput_per_s > 0, JSON.stringify(r));
  }
});

test('bench e2e without a broker address is a usage error', async () => {
  const run = await cli(['bench', 'e2e'], { env: { KAFKA_BROKERS: '' } });
  assert.equal(run.status, 2);
  assert.match(run.stderr, /bench e2e needs --kafka BROKERS/);
});
