import path from 'node:path';
import { pino } from 'pino';
import { RoutingService } from '../../src/service/routing-service.ts';

export const ROOT = path.join(import.meta.dirname, '../..');
/** The omniclaude central index: 22 agents, loads in milliseconds. */
export const REGISTRY = path.join(ROOT, 'fixtures/omniclaude-agents/agent-registry.yaml');
export const COMMIT = 'write a semantic commit message for the staged changes';

export const silent = pino({ level: 'silent' });

/** A service over the small registry on the lexical strategy (no model load: fast). */
export function openService(): Promise<RoutingService> {
  return RoutingService.open([REGISTRY], { logger: silent, strategy: 'lexical' });
}

/**
 * The value of one sample in Prometheus text, 0 when the series has no such sample yet.
 * `labels` must list every label of the sample, in any order.
 */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels)
    .map(([key, value]) => `${key}="${value}"`)
    .sort()
    .join(',');
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match === null || match[1] !== name) continue;
    const have = (match[2] ?? '').split(',').filter(Boolean).sort().join(',');
    if (have === wanted) return Number(match[3]);
  }
  return 0;
}
