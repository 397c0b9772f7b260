import type { Router } from '../routing/router.ts';
import type { LabelledRequest } from './labelled-set.ts';

export interface EvalMiss {
  id: string;
  kind: string;
  request: string;
  expected: readonly string[];
  /** The router's pick, or null for no match. */
  got: string | null;
  confidence: number;
}

/** The `eval --json` shape; every rate is in 0..1. */
export interface EvalReport {
  n: number;
  top1: number;
  top3: number;
  no_match: { precision: number; recall: number };
  by_kind: Record<string, number>;
  misses: EvalMiss[];
}

export interface EvalDetail {
  report: EvalReport;
  /** expected agent → wrongly chosen agent (or `(no match)`) → count. */
  confusion: Map<string, Map<string, number>>;
  allMisses: EvalMiss[];
}

const ratio = (part: number, whole: number): number => (whole === 0 ? 1 : part / whole);

/**
 * Scores a router on a labelled set. A row is right when the decision's agent is in
 * `expected`, or when `expected` is empty and the router answered no match. top-3 asks
 * whether an expected agent is among the first three of the strategy's full ranking.
 */
export async function evaluate(router: Router, rows: readonly LabelledRequest[], strategy?: string): Promise<EvalDetail> {
  const options = { routing_strategy: strategy };
  let top1 = 0;
  let top3 = 0;
  let saidNoMatch = 0;
  let rightNoMatch = 0;
  let wantedNoMatch = 0;
  const kinds = new Map<string, { n: number; right: number }>();
  const confusion = new Map<string, Map<string, number>>();
  const allMisses: EvalMiss[] = [];

  for (const row of rows) {
    const result = await router.route({ user_request: row.request, options });
    const got = result.selected_agent;
    const wantsNoMatch = row.expected.length === 0;
    const right = wantsNoMatch ? got === null : got !== null && row.expected.includes(got);
    const ranked =
      result.routing_policy === 'explicit_request'
        ? [got]
        : (await router.rank({ user_request: row.request, options })).slice(0, 3).map((c) => c.agent.name);
    const inTop3 = wantsNoMatch ? right : ranked.some((name) => name !== null && row.expected.includes(name));

    if (right) top1++;
    if (inTop3) top3++;
    if (wantsNoMatch) wantedNoMatch++;
    if (got === null) saidNoMatch++;
    if (got === null && wantsNoMatch) rightNoMatch++;
    const kind = kinds.get(row.kind) ?? { n: 0, right: 0 };
    kind.n++;
    if (right) kind.right++;
    kinds.set(row.kind, kind);

    if (!right) {
      allMisses.push({
        id: row.id,
        kind: row.kind,
        request: row.request,
        expected: row.expected,
        got,
        confidence: result.recommendations[0]?.confidence.total ?? 0,
      });
      const expectedName = row.expected[0] ?? '(no match)';
      const byGot = confusion.get(expectedName) ?? new Map<string, number>();
      byGot.set(got ?? '(no match)', (byGot.get(got ?? '(no match)') ?? 0) + 1);
      confusion.set(expectedName, byGot);
    }
  }

  const byKind: Record<string, number> = {};
  for (const [kind, { n, right }] of [...kinds].sort(([a], [b]) => a.localeCompare(b))) byKind[kind] = ratio(right, n);
  return {
    report: {
      n: rows.length,
      top1: ratio(top1, rows.length),
      top3: ratio(top3, rows.length),
      no_match: { precision: ratio(rightNoMatch, saidNoMatch), recall: ratio(rightNoMatch, wantedNoMatch) },
      by_kind: byKind,
      misses: allMisses.slice(0, 20),
    },
    confusion,
    allMisses,
  };
}
