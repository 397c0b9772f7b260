import { kafkaBrokers } from '../../client/kafka.ts';
import { once } from 'node:events';
import { SwitchboardError } from '../../errors.ts';
import { createLogger } from '../../service/logger.ts';
import { SERVE_DEFAULTS, startService } from '../../service/serve.ts';
import type { ShadowOptions } from '../../service/shadow.ts';
import { BUILTIN_STRATEGIES } from '../../routing/strategies/index.ts';
import { parseCommand, parseNumber, REGISTRY_OPTION, registryPaths } from '../options.ts';

function parsePort(value: string | undefined): number {
  const port = parseNumber(value, '--http-port') ?? SERVE_DEFAULTS.httpPort;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new SwitchboardError('USAGE', `--http-port expects 0..65535, got '${value}'`);
  return port;
}

function shadowOptions(strategy: string | undefined, share: string | undefined): ShadowOptions | undefined {
  if (strategy === undefined) {
    if (share !== undefined) throw new SwitchboardError('USAGE', '--shadow-share needs --shadow-strategy');
    return undefined;
  }
  if (!BUILTIN_STRATEGIES.has(strategy)) throw new SwitchboardError('USAGE', `--shadow-strategy: unknown strategy '${strategy}'; known: ${[...BUILTIN_STRATEGIES.keys()].join(', ')}`);
  const fraction = parseNumber(share, '--shadow-share') ?? 1;
  if (!(fraction > 0 && fraction <= 1)) throw new SwitchboardError('USAGE', `--shadow-share expects a share in (0, 1], got '${share}'`);
  return { strategy, share: fraction };
}

/**
 * `switchboard serve`: runs until SIGTERM or SIGINT, then stops consuming, lets the
 * requests in flight finish and reply, closes everything and exits 0. A second signal
 * while draining exits at once (1).
 */
export async function runServe(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    ...REGISTRY_OPTION,
    kafka: { type: 'string' },
    'http-port': { type: 'string' },
    'http-host': { type: 'string' },
    group: { type: 'string' },
    'topic-prefix': { type: 'string' },
    strategy: { type: 'string', short: 's' },
    model: { type: 'string' },
    db: { type: 'string' },
    'no-history': { type: 'boolean' },
    experiments: { type: 'string' },
    'shadow-strategy': { type: 'string' },
    'shadow-share': { type: 'string' },
    'admin-token': { type: 'string' },
  });
  if (positionals.length > 0) throw new SwitchboardError('USAGE', `serve takes no arguments, got '${positionals.join(' ')}'`);
  if (values['no-history'] && values.db !== undefined) throw new SwitchboardError('USAGE', '--db and --no-history contradict each other: record nowhere, or in --db');
  const httpPort = parsePort(values['http-port']);
  // Listening from the start: a signal during startup stops the service once it is up.
  const signalled = Promise.race([once(process, 'SIGTERM'), once(process, 'SIGINT')]);
  const logger = createLogger();
  const running = await startService({
    logger,
    registry: registryPaths(values.registry),
    // None means the in-process bus.
    brokers: kafkaBrokers(values.kafka),
    httpHost: values['http-host'],
    httpPort,
    groupId: values.group,
    topicPrefix: values['topic-prefix'],
    strategy: values.strategy,
    model: values.model,
    history: values['no-history'] ? false : { db: values.db },
    experiments: values.experiments ?? (process.env.SWITCHBOARD_EXPERIMENTS || undefined),
    shadow: shadowOptions(values['shadow-strategy'], values['shadow-share']),
    adminToken: values['admin-token'] || process.env.SWITCHBOARD_ADMIN_TOKEN || undefined,
  });
  await signalled;
  logger.info('signal received: draining in-flight requests');
  const forced = () => {
    logger.warn('second signal: exiting without draining');
    process.exit(1);
  };
  process.once('SIGTERM', forced).once('SIGINT', forced);
  await running.stop();
  logger.info('stopped');
  return 0;
}
