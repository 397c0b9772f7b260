import type { RoutingContext, RoutingResult } from '../../contracts/routing.ts';
import { SwitchboardError } from '../../errors.ts';
import { openRouter } from '../../open-router.ts';
import type { Candidate } from '../../routing/strategy.ts';
import { printIssue, table } from '../format.ts';
import { parseCommand, parseNumber, REGISTRY_OPTION, registryPaths } from '../options.ts';

function parseContext(pairs: string[] | undefined): RoutingContext {
  const context: RoutingContext = {};
  for (const pair of pairs ?? []) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new SwitchboardError('USAGE', `--context expects key=value, got '${pair}'`);
    context[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return context;
}

function render(result: RoutingResult, closest: Candidate[]): string {
  const meta = result.routing_metadata;
  const lines: string[] = [];
  lines.push(
    result.selected_agent === null
      ? `no match (${result.no_match_reason})`
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
    `${meta.routing_strategy} · ${meta.candidates_evaluated} agents · registry ${meta.registry_version} · ${meta.routing_time_ms.toFixed(3)} ms`,
  );
  return `${lines.join('\n')}\n`;
}

export async function runRoute(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    ...REGISTRY_OPTION,
    strategy: { type: 'string', short: 's' },
    max: { type: 'string' },
    'min-confidence': { type: 'string' },
    context: { type: 'string', short: 'c', multiple: true },
    json: { type: 'boolean' },
    model: { type: 'string' },
  });
  if (positionals.length === 0) throw new SwitchboardError('USAGE', 'route needs a request: switchboard route <request…>');
  const request = {
    user_request: positionals.join(' '),
    context: parseContext(values.context),
    options: {
      routing_strategy: values.strategy,
      max_recommendations: parseNumber(values.max, '--max'),
      min_confidence: parseNumber(values['min-confidence'], '--min-confidence'),
    },
  };
  const { router } = await openRouter(registryPaths(values.registry), {
    cache: false,
    parseCache: true,
    defaultStrategy: values.strategy,
    model: values.model,
    onIssue: (issue) => issue.severity === 'error' && printIssue(issue),
    onNotice: (message) => process.stderr.write(`switchboard: ${message}\n`),
  });
  const result = await router.route(request);
  if (values.json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } else {
    const closest = result.selected_agent === null ? (await router.rank(request)).slice(0, 3) : [];
    process.stdout.write(render(result, closest));
  }
  return 0;
}
