import { Router } from '../routing/router.ts';
import type { StrategyServices } from '../routing/strategy.ts';
import { SwitchboardError } from '../errors.ts';
import { loadRegistry } from '../registry/load.ts';

export interface RegistryBench {
  name: string;
  strategy: string;
  agents: number;
  load_ms: number;
  miss_p50_us: number;
  miss_p99_us: number;
  hit_p50_us: number;
  decisions_per_s: number;
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))];
}

async function timeEach(requests: readonly string[], rounds: number, router: Router): Promise<Float64Array> {
  const samples = new Float64Array(requests.length * rounds);
  for (let i = 0; i < samples.length; i++) {
    const text = requests[i % requests.length];
    const started = performance.now();
    await router.route({ user_request: text });
    samples[i] = (performance.now() - started) * 1000;
  }
  return samples.sort();
}

/**
 * Measures one registry: load (files to a ready router), cache-miss and cache-hit latency
 * per decision, and sustained decisions per second on this one thread.
 */
export async function benchRegistry(
  name: string,
  paths: string[],
  requests: readonly string[],
  strategy: string,
  services: StrategyServices = {},
  minSamples = 3000,
): Promise<RegistryBench> {
  const loadStarted = performance.now();
  const registry = await loadRegistry(paths);
  if (registry.agents.length === 0) {
    throw new SwitchboardError('NO_AGENTS_AVAILABLE', `no agents loaded from ${paths.join(', ')}: nothing to measure`);
  }
  const router = await Router.create(registry, { ...services, defaultStrategy: strategy, cache: { maxEntries: 100_000, ttlMs: 3_600_000 } });
  const loadMs = performance.now() - loadStarted;
  const uncached = await Router.create(registry, { ...services, defaultStrategy: strategy, cache: false });
  const rounds = Math.max(1, Math.ceil(minSamples / requests.length));

  // Warm the JIT until the hot path is optimised: a second or 5,000 decisions.
  const warmStarted = performance.now();
  for (let i = 0; i < 5000 && performance.now() - warmStarted < 1000; i++) await uncached.route({ user_request: requests[i % requests.length] });
  const misses = await timeEach(requests, rounds, uncached);
  await timeEach(requests, rounds, router); // fills the cache and warms the hit path
  const hits = await timeEach(requests, rounds, router);

  let decisions = 0;
  const started = performance.now();
  while (performance.now() - started < 1000) await uncached.route({ user_request: requests[decisions++ % requests.length] });
  const seconds = (performance.now() - started) / 1000;

  return {
    name,
    strategy,
    agents: registry.agents.length,
    load_ms: Math.round(loadMs * 10) / 10,
    miss_p50_us: Math.round(percentile(misses, 0.5) * 10) / 10,
    miss_p99_us: Math.round(percentile(misses, 0.99) * 10) / 10,
    hit_p50_us: Math.round(percentile(hits, 0.5) * 100) / 100,
    decisions_per_s: Math.round(decisions / seconds),
  };
}
