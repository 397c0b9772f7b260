/**
 * The consumer-lag series: one sample per owned partition, and a scrape that still answers
 * when the bus does not (the broker is away): the lag is left out and counted as a bus error.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ServiceMetrics, type LagMetricsSource } from '../../src/service/metrics.ts';
import { sample } from './helpers.ts';

function metricsWith(source: LagMetricsSource): ServiceMetrics {
  const metrics = new ServiceMetrics({ cacheStats: () => ({ hits: 0, misses: 0, size: 0 }), registryVersion: 'v1', agentCount: 1 });
  metrics.observeLag(source);
  return metrics;
}

test('the lag of each partition the consumer owns is a sample of its own', async () => {
  const metrics = metricsWith({
    lag: async () => [
      { topic: 'requests', partition: 0, records: 3 },
      { topic: 'requests', partition: 2, records: 0 },
    ],
  });
  const text = await metrics.registry.metrics();
  assert.equal(sample(text, 'switchboard_consumer_lag_records', { topic: 'requests', partition: '0' }), 3);
  assert.match(text, /switchboard_consumer_lag_records\{topic="requests",partition="2"\} 0/);
  assert.doesNotMatch(text, /partition="1"/);
});

test('a bus that fails or does not answer leaves the lag out, counts a bus error, and the scrape answers', async () => {
  for (const lag of [async () => Promise.reject(new Error('broker away')), () => new Promise<never>(() => undefined)]) {
    const metrics = metricsWith({ lag });
    const text = await metrics.registry.metrics();
    assert.doesNotMatch(text, /switchboard_consumer_lag_records\{/);
    assert.match(text, /switchboard_registry_info\{registry_version="v1"\} 1/, 'the other series are there');
    // Series are collected side by side: a scrape's error shows from the next one.
    assert.equal(sample(await metrics.registry.metrics(), 'switchboard_bus_errors_total'), 1);
  }
});
