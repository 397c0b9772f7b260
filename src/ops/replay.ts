import type { RoutingRequest, RoutingResult } from '../contracts/routing.ts';
import { SwitchboardError, type ErrorCode } from '../errors.ts';
import type { Router } from '../routing/router.ts';

/**
 * Replay (SPEC §6): recorded requests re-run through a router, each new decision set
 * against the one the request got when it was recorded. Where the recordings come from
 * is the sources' business (./kafka-recordings.ts, ./store-recordings.ts).
 */

/** One side of a comparison: where a request went, how surely, how fast. */
export interface ReplayDecision {
  /** null: no agent, for an explicit no-match or a failure (`error_code`). */
  agent: string | null;
  /** The selected agent's confidence. */
  confidence: number | null;
  error_code: string | null;
  /** null when the recording does not say. */
  time_ms: number | null;
}

/** A request as it was recorded, with the decision it got then. */
export interface Recording {
  correlation_id: string;
  request: RoutingRequest;
  original: ReplayDecision & { strategy: string | null };
}

export interface ReplayRow {
  correlation_id: string;
  request: string;
  /** The strategy the request was replayed with. */
  strategy: string;
  original: ReplayDecision;
  replayed: ReplayDecision;
  /** The agent differs (a confidence that moved is not a changed decision). */
  changed: boolean;
}

export interface ReplayReport {
  replayed: number;
  changed: number;
  /** Changed decisions counted by original → new agent (null: none), most frequent first. */
  by_agent: { from: string | null; to: string | null; n: number }[];
  /** The changed rows, in replay order. */
  changes: ReplayRow[];
}

export interface ReplayOptions {
  /** Every request through this strategy; default: the strategy each one was decided with. */
  readonly strategy?: string;
  /** Told of every row, changed or not, in order; awaited. */
  readonly onRow?: (row: ReplayRow) => void | Promise<void>;
}

/** Refusals that belong to one request: it is recorded as failed, and the replay goes on. */
const REQUEST_ERRORS: ReadonlySet<ErrorCode> = new Set(['INVALID_REQUEST', 'UNKNOWN_STRATEGY']);

/** The decision a routing result took. */
export function decisionOf(result: RoutingResult, timeMs: number | null): ReplayDecision {
  const selected = result.recommendations.find((recommendation) => recommendation.agent_name === result.selected_agent);
  return { agent: result.selected_agent, confidence: selected?.confidence.total ?? null, error_code: null, time_ms: timeMs };
}

export async function replay(
  recordings: AsyncIterable<Recording> | Iterable<Recording>,
  router: Router,
  options: ReplayOptions = {},
): Promise<ReplayReport> {
  let replayed = 0;
  const changes: ReplayRow[] = [];
  const transitions = new Map<string, ReplayReport['by_agent'][number]>();
  for await (const recording of recordings) {
    const row = await replayOne(recording, router, options.strategy);
    replayed++;
    if (row.changed) {
      changes.push(row);
      const from = row.original.agent;
      const to = row.replayed.agent;
      const key = JSON.stringify([from, to]);
      const transition = transitions.get(key) ?? { from, to, n: 0 };
      transition.n++;
      transitions.set(key, transition);
    }
    await options.onRow?.(row);
  }
  const name = (agent: string | null) => agent ?? '';
  const byAgent = [...transitions.values()].sort(
    (a, b) => b.n - a.n || name(a.from).localeCompare(name(b.from)) || name(a.to).localeCompare(name(b.to)),
  );
  return { replayed, changed: changes.length, by_agent: byAgent, changes };
}

async function replayOne(recording: Recording, router: Router, strategy: string | undefined): Promise<ReplayRow> {
  const { request, original } = recording;
  // Pinned to the recorded strategy by default, so that only what changed since (the
  // registry, the code) shows, not the default of the machine replaying.
  const chosen = strategy ?? original.strategy ?? request.options?.routing_strategy ?? router.defaultStrategy;
  const started = performance.now();
  let replayed: ReplayDecision;
  try {
    const result = await router.route({ ...request, options: { ...request.options, routing_strategy: chosen } });
    replayed = decisionOf(result, performance.now() - started);
  } catch (error) {
    if (!(error instanceof SwitchboardError) || !REQUEST_ERRORS.has(error.code)) throw error;
    replayed = { agent: null, confidence: null, error_code: error.wireCode, time_ms: performance.now() - started };
  }
  return {
    correlation_id: recording.correlation_id,
    request: request.user_request,
    strategy: chosen,
    original: { agent: original.agent, confidence: original.confidence, error_code: original.error_code, time_ms: original.time_ms },
    replayed,
    changed: original.agent !== replayed.agent,
  };
}
