import { SwitchboardError } from '../../errors.ts';
import type { Trace } from '../../store/decision-store.ts';
import { openReadyStore } from '../../store/open-store.ts';
import { parseCommand } from '../options.ts';

function printTrace(trace: Trace): void {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(`correlation ${trace.correlation_id}`);
  if (trace.request !== null) out(`${trace.request.received_at}  request  ${JSON.stringify(trace.request.user_request)}`);
  // One time line of everything that happened to the request.
  const events = [
    ...trace.decisions.map((d) => ({
      at: d.decided_at,
      line: `decision ${d.routing_path}${d.transport ? `/${d.transport}` : ''}: ${d.selected_agent ?? `no match (${d.no_match_reason ?? d.error_code})`}` +
        `${d.confidence ? ` ${d.confidence.total.toFixed(3)}` : ''}  ${d.strategy ?? ''} ${d.latency_ms.toFixed(2)} ms${d.cache_hit ? ' cached' : ''}` +
        `${d.experiment ? `  experiment ${d.experiment}/${d.variant}` : ''}` +
        `${d.alternatives.length > 0 ? `  alternatives: ${d.alternatives.map((a) => `${a.agent_name} ${a.confidence.total.toFixed(3)}`).join(', ')}` : ''}`,
    })),
    ...trace.outcomes.map((o) => ({
      at: o.recorded_at,
      line: `outcome  ${o.success ? 'success' : 'failure'}${o.quality_score === null ? '' : ` ${o.quality_score}`}${o.source ? ` by ${o.source}` : ''}${o.note ? `: ${o.note}` : ''}`,
    })),
    ...trace.comparisons.map((c) => ({
      at: c.compared_at,
      line: `compare  ${c.path_a} ${c.agent_a ?? '-'} vs ${c.path_b} ${c.agent_b ?? '-'}: ${c.match ? 'match' : 'differ'}`,
    })),
  ].sort((a, b) => a.at.localeCompare(b.at));
  for (const event of events) out(`${event.at}  ${event.line}`);
}

/** `switchboard trace <correlation_id> [--db URL] [--json]`: exit 1 when the id is unknown. */
export async function runTrace(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(args, { db: { type: 'string' }, json: { type: 'boolean' } });
  if (positionals.length !== 1) throw new SwitchboardError('USAGE', 'usage: switchboard trace <correlation_id> [--db URL] [--json]');
  const store = await openReadyStore(values.db);
  try {
    const trace = await store.trace(positionals[0]);
    if (trace === null) {
      process.stderr.write(`switchboard: no decision with correlation id '${positionals[0]}' in ${store.location}\n`);
      return 1;
    }
    if (values.json) process.stdout.write(`${JSON.stringify(trace)}\n`);
    else printTrace(trace);
    return 0;
  } finally {
    await store.close();
  }
}
