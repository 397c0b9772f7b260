import { isUuid } from './decision-record.ts';
import type { AgentOutcomes, ExperimentDecision, RecordedRequest, RecordedRequestCursor, ServedRequest, Stats, Trace } from './decision-store.ts';

/**
 * `trace` and `stats`, written once over plain SQL that both dialects run. Each store
 * passes a `Query` that binds `?` parameters and returns rows; the row readers below even
 * out what the drivers return differently (jsonb vs text, Date vs text, bigint counts as
 * strings, booleans as 0/1).
 */
export type Query = (sql: string, params: readonly (string | number)[]) => Promise<Record<string, unknown>[]>;

const json = (value: unknown): unknown => (typeof value === 'string' ? JSON.parse(value) : value);
const iso = (value: unknown): string => (value instanceof Date ? value.toISOString() : String(value));
const bool = (value: unknown): boolean => value === true || value === 1 || value === '1';
const num = (value: unknown): number => Number(value);
const numOrNull = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

/**
 * The outcomes recorded since a time (bound twice), each with an agent its request was routed
 * to: an outcome counts for every agent that answered the request (usually one; a client's
 * fallback after the service also answered adds another).
 */
const ROUTED_OUTCOMES = `select d.selected_agent as agent, o.success, o.recorded_at, o.id
  from outcomes o
  join (select distinct correlation_id, selected_agent from decisions
        where selected_agent is not null
          and correlation_id in (select correlation_id from outcomes where recorded_at >= ?)) d
    on d.correlation_id = o.correlation_id
  where o.recorded_at >= ?`;

export async function readTrace(query: Query, correlationId: string): Promise<Trace | null> {
  if (!isUuid(correlationId)) return null;
  const id = correlationId.toLowerCase();
  // Decisions first: a request row commits with (or before) its decisions, so once a decision
  // is seen its request is too. Read side by side, a trace could catch one without the other.
  const decisions = await query('select * from decisions where correlation_id = ? order by decided_at, decision_id', [id]);
  const [requests, outcomes, comparisons] = await Promise.all([
    query('select * from routing_requests where correlation_id = ?', [id]),
    query('select * from outcomes where correlation_id = ? order by recorded_at, id', [id]),
    query('select * from comparisons where correlation_id = ? order by compared_at, id', [id]),
  ]);
  if (requests.length === 0 && decisions.length === 0) return null;
  const request = requests[0];
  return {
    correlation_id: id,
    request:
      request === undefined
        ? null
        : {
            user_request: String(request.request),
            context: json(request.context) as Record<string, string>,
            options: json(request.options) as Record<string, unknown>,
            received_at: iso(request.received_at),
          },
    decisions: decisions.map((row) => ({
      decision_id: String(row.decision_id),
      selected_agent: row.selected_agent as string | null,
      no_match_reason: row.no_match_reason as string | null,
      error_code: row.error_code as string | null,
      routing_policy: row.routing_policy as string | null,
      confidence: json(row.confidence) as Trace['decisions'][number]['confidence'],
      alternatives: json(row.alternatives) as Trace['decisions'][number]['alternatives'],
      strategy: row.strategy as string | null,
      experiment: row.experiment as string | null,
      variant: row.variant as string | null,
      latency_ms: num(row.latency_ms),
      cache_hit: bool(row.cache_hit),
      registry_version: row.registry_version as string | null,
      routing_path: String(row.routing_path),
      transport: row.transport as string | null,
      service_instance: row.service_instance as string | null,
      decided_at: iso(row.decided_at),
    })),
    outcomes: outcomes.map((row) => ({
      success: bool(row.success),
      quality_score: numOrNull(row.quality_score),
      note: row.note as string | null,
      source: row.source as string | null,
      recorded_at: iso(row.recorded_at),
    })),
    comparisons: comparisons.map((row) => ({
      path_a: String(row.path_a),
      path_b: String(row.path_b),
      agent_a: row.agent_a as string | null,
      agent_b: row.agent_b as string | null,
      confidence_a: numOrNull(row.confidence_a),
      confidence_b: numOrNull(row.confidence_b),
      match: bool(row.match),
      time_a_ms: num(row.time_a_ms),
      time_b_ms: num(row.time_b_ms),
      compared_at: iso(row.compared_at),
    })),
  };
}

const rate = (part: unknown, whole: number): number | null => (whole === 0 ? null : num(part) / whole);

export async function readStats(query: Query, since: Date): Promise<Stats> {
  const from = since.toISOString();
  const [totals] = await query(
    `select count(*) as n,
       sum(case when selected_agent is null and error_code is null then 1 else 0 end) as no_match,
       sum(case when cache_hit then 1 else 0 end) as hits
     from decisions where decided_at >= ?`,
    [from],
  );
  const n = num(totals.n);
  // Nearest-rank percentiles by offset: the same SQL in both dialects (SQLite has no percentile_cont).
  const percentile = async (q: number): Promise<number | null> => {
    if (n === 0) return null;
    const rows = await query('select latency_ms from decisions where decided_at >= ? order by latency_ms limit 1 offset ?', [
      from,
      Math.max(0, Math.ceil(q * n) - 1),
    ]);
    return numOrNull(rows[0]?.latency_ms);
  };
  const [p50, p95, p99, agents, agentOutcomes, paths, comparisons] = await Promise.all([
    percentile(0.5),
    percentile(0.95),
    percentile(0.99),
    query(
      `select selected_agent as agent, count(*) as decisions, avg(confidence_total) as mean_confidence
       from decisions where decided_at >= ? and selected_agent is not null group by selected_agent`,
      [from],
    ),
    query(
      `select agent, count(*) as outcomes, avg(case when success then 1.0 else 0.0 end) as success_rate
       from (${ROUTED_OUTCOMES}) routed
       group by agent`,
      [from, from],
    ),
    query('select routing_path, count(*) as n from decisions where decided_at >= ? group by routing_path order by routing_path', [from]),
    query(
      `select path_b, count(*) as n, avg(case when "match" then 1.0 else 0.0 end) as match_rate
       from comparisons where compared_at >= ? group by path_b order by path_b`,
      [from],
    ),
  ]);
  const byAgent = new Map<string, Stats['by_agent'][number]>();
  for (const row of agents) {
    const agent = String(row.agent);
    byAgent.set(agent, { agent, decisions: num(row.decisions), mean_confidence: numOrNull(row.mean_confidence), outcomes: 0, success_rate: null });
  }
  for (const row of agentOutcomes) {
    const agent = String(row.agent);
    const entry = byAgent.get(agent) ?? { agent, decisions: 0, mean_confidence: null, outcomes: 0, success_rate: null };
    entry.outcomes = num(row.outcomes);
    entry.success_rate = numOrNull(row.success_rate);
    byAgent.set(agent, entry);
  }
  return {
    since: from,
    decisions: n,
    no_match_rate: rate(totals.no_match, n),
    cache_hit_rate: rate(totals.hits, n),
    latency_ms: { p50, p95, p99 },
    by_agent: [...byAgent.values()].sort((a, b) => b.decisions - a.decisions || a.agent.localeCompare(b.agent)),
    by_path: Object.fromEntries(paths.map((row) => [String(row.routing_path), num(row.n)])),
    comparisons: comparisonStats(comparisons),
  };
}

/**
 * Each agent's outcomes since `since`, only its `perAgent` most recent: the window keeps an
 * agent with a long history as able to change as one with a short one. An outcome counts for
 * every agent its request was routed to, as in `stats`.
 */
export async function readAgentOutcomes(query: Query, since: Date, perAgent: number): Promise<AgentOutcomes[]> {
  const from = since.toISOString();
  const rows = await query(
    `select agent, sum(case when success then 1 else 0 end) as successes, count(*) as n from (
       select agent, success, row_number() over (partition by agent order by recorded_at desc, id desc) as recency
       from (${ROUTED_OUTCOMES}) routed
     ) ranked
     where recency <= ?
     group by agent order by agent`,
    [from, from, perAgent],
  );
  return rows.map((row) => ({ agent: String(row.agent), successes: num(row.successes), failures: num(row.n) - num(row.successes) }));
}

/** Successful outcomes with an id above `afterId`, oldest first, with the request and the agent that served it. */
export async function readServedRequests(query: Query, afterId: number, since: Date, limit: number): Promise<ServedRequest[]> {
  const rows = await query(
    `select o.id as outcome_id, r.request, d.selected_agent as agent
     from outcomes o
     join routing_requests r on r.correlation_id = o.correlation_id
     join decisions d on d.correlation_id = o.correlation_id and d.selected_agent is not null
     where o.success and o.id > ? and o.recorded_at >= ?
     order by o.id, d.decided_at
     limit ?`,
    [afterId, since.toISOString(), limit],
  );
  return rows.map((row) => ({ outcome_id: num(row.outcome_id), request: String(row.request), agent: String(row.agent) }));
}

export async function readExperimentDecisions(query: Query, since: Date, experiment: string): Promise<ExperimentDecision[]> {
  const rows = await query(
    `select d.experiment, d.variant, d.selected_agent, d.confidence_total, d.latency_ms,
       (select o.success from outcomes o where o.correlation_id = d.correlation_id
        order by o.recorded_at desc, o.id desc limit 1) as outcome_success,
       (select c."match" from comparisons c
        where c.correlation_id = d.correlation_id and c.path_a = 'variant:' || d.variant and c.path_b like 'control:%'
        order by c.compared_at desc, c.id desc limit 1) as control_match
     from decisions d
     where d.decided_at >= ? and d.experiment = ? and d.variant is not null and d.error_code is null
     order by d.decided_at, d.decision_id`,
    [since.toISOString(), experiment],
  );
  return rows.map((row) => ({
    experiment: String(row.experiment),
    variant: String(row.variant),
    selected_agent: row.selected_agent as string | null,
    confidence_total: numOrNull(row.confidence_total),
    latency_ms: num(row.latency_ms),
    outcome_success: row.outcome_success === null || row.outcome_success === undefined ? null : bool(row.outcome_success),
    control_match: row.control_match === null || row.control_match === undefined ? null : bool(row.control_match),
  }));
}

/**
 * Each request with its first decision since `since` (a hybrid or shadowed request has more
 * than one), ordered by that decision's time and then correlation id, which is also the cursor.
 */
export async function readRecordedRequests(
  query: Query,
  since: Date,
  limit: number,
  after: RecordedRequestCursor | undefined,
): Promise<RecordedRequest[]> {
  const from = since.toISOString();
  const rows = await query(
    `select d.correlation_id, r.request, r.context, r.options, d.selected_agent, d.confidence_total, d.strategy,
       d.error_code, d.latency_ms, d.decided_at
     from decisions d
     join routing_requests r on r.correlation_id = d.correlation_id
     where d.decided_at >= ? ${after === undefined ? '' : 'and (d.decided_at, d.correlation_id) > (?, ?)'}
       and not exists (select 1 from decisions e
                       where e.correlation_id = d.correlation_id and e.decided_at >= ?
                         and (e.decided_at, e.decision_id) < (d.decided_at, d.decision_id))
     order by d.decided_at, d.correlation_id
     limit ?`,
    after === undefined ? [from, from, limit] : [from, after.decided_at, after.correlation_id, from, limit],
  );
  return rows.map((row) => ({
    correlation_id: String(row.correlation_id),
    request: {
      user_request: String(row.request),
      context: json(row.context) as RecordedRequest['request']['context'],
      options: json(row.options) as RecordedRequest['request']['options'],
    },
    selected_agent: row.selected_agent as string | null,
    confidence: numOrNull(row.confidence_total),
    strategy: row.strategy as string | null,
    error_code: row.error_code as string | null,
    latency_ms: num(row.latency_ms),
    decided_at: iso(row.decided_at),
  }));
}

/** Per `path_b` rows of counts and match rates, summed into the whole. */
function comparisonStats(rows: readonly Record<string, unknown>[]): Stats['comparisons'] {
  const byPathB: Stats['comparisons']['by_path_b'] = {};
  let n = 0;
  let matches = 0;
  for (const row of rows) {
    const count = num(row.n);
    const matchRate = numOrNull(row.match_rate);
    byPathB[String(row.path_b)] = { n: count, match_rate: matchRate };
    n += count;
    matches += count * (matchRate ?? 0);
  }
  return { n, match_rate: n === 0 ? null : matches / n, by_path_b: byPathB };
}
