import type { Router } from '../routing/router.ts';
import type { LabelledRequest } from './labelled-set.ts';

/**
 * Records labelled rows as successful outcomes (through the router's learning path, the
 * one recorded outcomes take), at most `perAgent` rows per agent, in file order. Rows that
 * expect no agent, or an agent this registry lacks, teach nothing. Returns how many were learned.
 */
export async function learnFrom(router: Router, rows: readonly LabelledRequest[], perAgent = Infinity): Promise<number> {
  const taken = new Map<string, number>();
  let learned = 0;
  for (const row of rows) {
    const agent = row.expected[0];
    if (agent === undefined || !router.registry.byName.has(agent)) continue;
    if ((taken.get(agent) ?? 0) >= perAgent) continue;
    taken.set(agent, (taken.get(agent) ?? 0) + 1);
    if (await router.learn(row.request, agent)) learned++;
  }
  return learned;
}
