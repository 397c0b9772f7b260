import type { RoutingResult } from '../contracts/routing.ts';
import type { Candidate } from '../routing/strategy.ts';
import { table } from './format.ts';

/**
 * A decision as `route` and `request` print it: the choice, the ranked table with every
 * score, the closest candidates under the threshold (when the caller ranked them), and
 * strategy, registry version and routing time.
 */
export function renderDecision(result: RoutingResult, closest: readonly Candidate[] = []): string {
  const meta = result.routing_metadata;
  const lines: string[] = [];
  lines.push(
    result.selected_agent === null
      ? `no match (${result.reason})`
      : `→ ${result.selected_agent}  (${result.routing_policy}, confidence ${result.recommendations[0].confidence.total.toFixed(2)})`,
  );
  const rows = result.recommendations.map((r, i) => [
    String(i + 1),
    r.agent_name,
    r.confidence.total.toFixed(2),
    r.confidence.trigger_score.toFixed(2),
    r.confidence.context_score.toFixed(2),
    r.confidence.capability_score.toFixed(2),
    r.confidence.historical_score.toFixed(2),
    r.reason,
  ]);
  if (rows.length > 0) {
    lines.push('', table(['#', 'agent', 'total', 'trigger', 'context', 'capability', 'history', 'reason'], rows));
  }
  if (result.selected_agent === null && closest.length > 0) {
    lines.push('', 'closest, below the confidence threshold:');
    lines.push(table(['agent', 'total', 'reason'], closest.map((c) => [c.agent.name, c.score.total.toFixed(2), c.reason])));
  }
  lines.push(
    '',
    // Candidates, not the registry's size: an explicit-only agent is no candidate.
    `${meta.routing_strategy} · ${meta.candidates_evaluated} candidate${meta.candidates_evaluated === 1 ? '' : 's'} · registry ${meta.registry_version} · ${meta.routing_time_ms.toFixed(3)} ms`,
  );
  return `${lines.join('\n')}\n`;
}
