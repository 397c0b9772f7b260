import { DEFAULT_TIMEOUT_MS } from '../../client/remote.ts';
import { connectOverKafka, kafkaBrokers } from '../../client/kafka.ts';
import { RoutingFacade, type RoutedDecision } from '../../client/route.ts';
import { topicNames } from '../../contracts/topics.ts';
import { SwitchboardError } from '../../errors.ts';
import { openRouter } from '../../open-router.ts';
import { printIssue } from '../format.ts';
import { parseTimeout } from '../client-flags.ts';
import { LocalDecisions } from '../local-decisions.ts';
import { parseCommand, REGISTRY_OPTION, registryPaths } from '../options.ts';
import { renderDecision } from '../render-decision.ts';

/** The line under the decision: which path answered, and why local when it did. */
function pathLine(routed: RoutedDecision, elapsedMs: number): string {
  const why = routed.local_reason === undefined ? '' : ` (${routed.local_reason})`;
  return `routing_path ${routed.routing_path}${why} · correlation_id ${routed.correlation_id} · ${elapsedMs.toFixed(1)} ms\n`;
}

/**
 * `switchboard request`: one routing request through the client library's facade. Over
 * Kafka (`--kafka` or KAFKA_BROKERS) it asks the routing service and falls back to the
 * in-process router on timeout or failure; without Kafka it routes locally. The local
 * router (and so the registry) is opened only when it is needed.
 */
export async function runRequest(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    ...REGISTRY_OPTION,
    kafka: { type: 'string' },
    timeout: { type: 'string' },
    'topic-prefix': { type: 'string' },
    json: { type: 'boolean' },
    db: { type: 'string' },
  });
  if (positionals.length === 0) throw new SwitchboardError('USAGE', 'request needs a request: switchboard request <text…>');
  const timeoutMs = parseTimeout(values.timeout, DEFAULT_TIMEOUT_MS);
  const brokers = kafkaBrokers(values.kafka);
  const started = performance.now();
  const client = brokers === undefined ? undefined : await connectOverKafka(brokers, { timeoutMs, topics: topicNames(values['topic-prefix']) });
  const local = new LocalDecisions();
  try {
    const facade = new RoutingFacade({
      remote: client,
      // With a database configured, a local answer is written there; else, over Kafka, published for the service to record.
      decisions: values.db || process.env.DATABASE_URL || client === undefined ? local : client,
      local: async () =>
        (
          await openRouter(registryPaths(values.registry), {
            cache: false,
            parseCache: true,
            onIssue: (issue) => issue.severity === 'error' && printIssue(issue),
            onNotice: (message) => process.stderr.write(`switchboard: ${message}\n`),
          })
        ).router,
    });
    const routed = await facade.route(positionals.join(' '), { timeoutMs });
    const elapsedMs = performance.now() - started;
    await local.record(values.db);
    if (routed.service_error !== undefined) process.stderr.write(`switchboard: routing service: ${routed.service_error.message}; routed locally\n`);
    if (values.json) {
      const { result, service_error: _, ...path } = routed;
      process.stdout.write(`${JSON.stringify({ ...path, elapsed_ms: Math.round(elapsedMs * 1000) / 1000, result })}\n`);
    } else {
      process.stdout.write(renderDecision(routed.result) + pathLine(routed, elapsedMs));
    }
    return 0;
  } finally {
    await client?.close();
  }
}
