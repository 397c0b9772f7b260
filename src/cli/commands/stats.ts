import { SwitchboardError } from '../../errors.ts';
import type { Stats } from '../../store/decision-store.ts';
import { openReadyStore } from '../../store/open-store.ts';
import { percent, table } from '../format.ts';
import { parseCommand, parseSince } from '../options.ts';

const show = (rate: number | null) => (rate === null ? '-' : percent(rate));
const ms = (value: number | null) => (value === null ? '-' : `${value.toFixed(2)} ms`);

function printStats(stats: Stats): void {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(`since ${stats.since}: ${stats.decisions} decisions, no match ${show(stats.no_match_rate)}, cache hits ${show(stats.cache_hit_rate)}`);
  out(`latency p50 ${ms(stats.latency_ms.p50)}, p95 ${ms(stats.latency_ms.p95)}, p99 ${ms(stats.latency_ms.p99)}`);
  out(`paths: ${Object.entries(stats.by_path).map(([path, n]) => `${path} ${n}`).join(', ') || '-'}`);
  const kinds = Object.entries(stats.comparisons.by_path_b).map(([pathB, { n, match_rate }]) => `${pathB} ${n}, match ${show(match_rate)}`);
  out(`comparisons: ${stats.comparisons.n}, match ${show(stats.comparisons.match_rate)}${kinds.length > 0 ? ` (${kinds.join('; ')})` : ''}`);
  if (stats.by_agent.length > 0) {
    const rows = stats.by_agent.map((a) => [
      a.agent, String(a.decisions), a.mean_confidence === null ? '-' : a.mean_confidence.toFixed(3), String(a.outcomes), show(a.success_rate),
    ]);
    out(table(['agent', 'decisions', 'mean confidence', 'outcomes', 'success'], rows));
  }
}

/** `switchboard stats [--since 24h] [--db URL] [--json]` */
export async function runStats(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(args, { since: { type: 'string' }, db: { type: 'string' }, json: { type: 'boolean' } });
  if (positionals.length > 0) throw new SwitchboardError('USAGE', 'usage: switchboard stats [--since 24h] [--db URL] [--json]');
  const since = parseSince(values.since ?? '24h');
  const store = await openReadyStore(values.db);
  try {
    const stats = await store.stats({ since });
    if (values.json) process.stdout.write(`${JSON.stringify(stats)}\n`);
    else printStats(stats);
    return 0;
  } finally {
    await store.close();
  }
}
