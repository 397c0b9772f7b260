import { randomUUID } from 'node:crypto';
import type { RoutingContext, RoutingRequest, RoutingResult } from '../../contracts/routing.ts';
import { SwitchboardError } from '../../errors.ts';
import { openRouter } from '../../open-router.ts';
import { printIssue } from '../format.ts';
import { parseCommand, parseNumber, REGISTRY_OPTION, registryPaths } from '../options.ts';
import { renderDecision } from '../render-decision.ts';

function parseContext(pairs: string[] | undefined): RoutingContext {
  const context: RoutingContext = {};
  for (const pair of pairs ?? []) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new SwitchboardError('USAGE', `--context expects key=value, got '${pair}'`);
    context[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return context;
}

/** The CLI's decision in the history, under a new correlation id (said on stderr, for `trace` and `feedback`). */
async function recordDecision(db: string | undefined, request: RoutingRequest, result: RoutingResult, latencyMs: number): Promise<void> {
  const { LocalDecisions } = await import('../local-decisions.ts');
  const correlationId = randomUUID();
  const local = new LocalDecisions();
  local.report({ request, result, correlationId, routingPath: 'cli', latencyMs, service: 'switchboard-cli', decidedAt: new Date() });
  const location = await local.record(db);
  process.stderr.write(`switchboard: decision recorded as ${correlationId} in ${location}\n`);
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
    db: { type: 'string' },
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
  const started = performance.now();
  const result = await router.route(request);
  // Recorded only where a database is configured: a one-shot lookup leaves no files behind.
  if (values.db || process.env.DATABASE_URL) await recordDecision(values.db, request, result, performance.now() - started);
  if (values.json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } else {
    const closest = result.selected_agent === null ? (await router.rank(request)).slice(0, 3) : [];
    process.stdout.write(renderDecision(result, closest));
  }
  return 0;
}
