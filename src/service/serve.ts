import type { Logger } from 'pino';
import { DEFAULT_TOPIC_PREFIX, topicNames } from '../contracts/topics.ts';
import { SwitchboardError } from '../errors.ts';
import { loadExperiments, type Experiment } from '../experiments/index.ts';
import { formatIssue } from '../registry/load.ts';
import { BUILTIN_STRATEGIES } from '../routing/strategies/index.ts';
import type { Bus } from '../transport/bus.ts';
import { dataDir, storeLocation } from '../store/open-store.ts';
import { DecisionEvents } from './decision-events.ts';
import { DecisionHistory } from './history.ts';
import { HistoryConsumer } from './history-consumer.ts';
import { buildHttpServer } from './http-server.ts';
import { RegistryReloader } from './registry-reloader.ts';
import { RequestConsumer } from './request-consumer.ts';
import { ShadowRunner, type ShadowOptions } from './shadow.ts';
import { RoutingService } from './routing-service.ts';

export const SERVE_DEFAULTS = {
  httpHost: '127.0.0.1',
  httpPort: 8787,
  groupId: 'switchboard-router',
  topicPrefix: DEFAULT_TOPIC_PREFIX,
  /** Partitions of topics the service creates: the most instances one group can spread over. */
  partitions: 3,
} as const;

export interface ServeOptions {
  readonly logger: Logger;
  readonly registry: string[];
  /** Kafka bootstrap brokers; without them the service runs on the in-process bus. */
  readonly brokers?: readonly string[];
  readonly httpHost?: string;
  /** 0 picks a free port (see `RunningService.url`). */
  readonly httpPort?: number;
  readonly groupId?: string;
  readonly topicPrefix?: string;
  readonly strategy?: string;
  readonly model?: string;
  readonly partitions?: number;
  /**
   * Publish a decision event per decision. Default: on with Kafka; off on the in-process
   * bus, which keeps every record for the life of the process.
   */
  readonly decisionEvents?: boolean;
  /**
   * The decision history: where decisions and outcomes are stored (`--db`, DATABASE_URL, else
   * the embedded SQLite file in the data folder), or false for none (`--no-history`).
   */
  readonly history?: { readonly db?: string; readonly spoolDir?: string; readonly refreshMs?: number } | false;
  /** An A/B experiments file (docs/experiments.md); one with errors stops the start, naming file:line. */
  readonly experiments?: string;
  /** Route a share of the requests again with a second strategy and record the comparison. */
  readonly shadow?: ShadowOptions;
  /** The bearer token of `POST /reload`; without one that endpoint answers 403 (the files are watched either way). */
  readonly adminToken?: string;
}

export interface RunningService {
  readonly service: RoutingService;
  readonly bus: Bus;
  readonly history: DecisionHistory | undefined;
  /** `http://host:port` as bound. */
  readonly url: string;
  /** Stops consuming and accepting, drains what is in flight, closes bus and HTTP. */
  stop(): Promise<void>;
}

/** The Kafka client loads only when Kafka is configured. */
async function openBus(brokers: readonly string[] | undefined): Promise<Bus> {
  if (brokers === undefined) return new (await import('../transport/in-process-bus.ts')).InProcessBus();
  return new (await import('../transport/kafka-bus.ts')).KafkaBus({ brokers, clientId: 'switchboard-router' });
}

/**
 * Starts the routing service: router warm, topics created, consumer assigned, HTTP
 * listening; logs one line when ready. Without brokers the bus is in-process: the
 * embedded default, where HTTP is the way in.
 */
export async function startService(options: ServeOptions): Promise<RunningService> {
  const { logger } = options;
  const settings = {
    httpHost: options.httpHost ?? SERVE_DEFAULTS.httpHost,
    httpPort: options.httpPort ?? SERVE_DEFAULTS.httpPort,
    groupId: options.groupId ?? SERVE_DEFAULTS.groupId,
    topicPrefix: options.topicPrefix ?? SERVE_DEFAULTS.topicPrefix,
    partitions: options.partitions ?? SERVE_DEFAULTS.partitions,
  };
  const topics = topicNames(settings.topicPrefix);
  const experiments = options.experiments === undefined ? [] : await readExperiments(options.experiments, logger);
  const service = await RoutingService.open(options.registry, {
    logger, strategy: options.strategy, model: options.model, experiments, alsoServes: options.shadow && [options.shadow.strategy],
  });
  if (options.brokers === undefined) {
    logger.info('no Kafka configured (--kafka or KAFKA_BROKERS): running on the in-process bus, the embedded default; requests come in over HTTP');
  }
  const reloader = new RegistryReloader(options.registry, service, logger);
  service.metrics.observeReloads(reloader);
  const bus = await openBus(options.brokers);
  const kind = options.brokers === undefined ? 'in-process' : 'kafka';
  let history: DecisionHistory | undefined;
  try {
    reloader.watch();
    history = options.history === false ? undefined : await openHistory(options.history ?? {}, logger);
    if (history !== undefined) {
      service.metrics.observeHistory(history);
      await history.follow(() => service.router);
    }
    await bus.createTopics(Object.values(topics), settings.partitions);
    const decisions = new DecisionEvents({ bus, busKind: kind, topics, metrics: service.metrics, logger, publish: options.decisionEvents ?? kind === 'kafka', history });
    // Second runs: a shadow strategy, and an enabled experiment's control for its other variants.
    const shadow =
      options.shadow !== undefined || experiments.some((experiment) => experiment.enabled)
        ? new ShadowRunner({ shadow: options.shadow, experiments, router: () => service.router, busy: () => service.inFlight > 0, history, metrics: service.metrics, logger })
        : undefined;
    const historyConsumer =
      history && (await HistoryConsumer.start(bus, history, { groupId: `${settings.groupId}-history`, topics, metrics: service.metrics, logger }));
    const consumer = await RequestConsumer.start(bus, service, { kind, brokers: options.brokers, groupId: settings.groupId, topics, decisions, shadow, logger });
    service.metrics.observeLag(consumer);
    const app = buildHttpServer(service, {
      logger,
      busStatus: () => consumer.status(),
      onDecision: (request, decision, correlationId) => {
        decisions.publish(request, decision, correlationId);
        shadow?.schedule(request, decision, correlationId);
      },
      history,
      reloader,
      adminToken: options.adminToken,
    });
    const url = await app.listen({ host: settings.httpHost, port: settings.httpPort });
    logger.info(
      { url, registry_version: service.registryVersion, agents: service.agentCount, strategy: service.strategy.default, group_id: settings.groupId },
      `switchboard serving on ${url}`,
    );
    const stop = async () => {
      service.beginDrain();
      // Each waits for its work in flight: handlers reply and commit, HTTP requests answer, a reload ends.
      await Promise.all([consumer.stop(), app.close(), historyConsumer?.stop(), reloader.close()]);
      await Promise.all([decisions.flush(), shadow?.flush()]);
      await bus.close();
      // Last: every decision made is queued by now; written, or spooled if the database is away.
      await history?.close();
      await service.close();
    };
    return { service, bus, history, url, stop };
  } catch (error) {
    await reloader.close();
    await bus.close();
    await history?.close();
    await service.close();
    throw error;
  }
}

async function openHistory(options: Exclude<ServeOptions['history'], false | undefined>, logger: Logger): Promise<DecisionHistory> {
  const location = storeLocation(options.db);
  if (location.backend === 'sqlite' && !options.db && !process.env.DATABASE_URL) {
    logger.info(`no --db or DATABASE_URL: recording decisions in the embedded SQLite store ${location.file}`);
  }
  return DecisionHistory.open({ location, spoolDir: options.spoolDir ?? dataDir(), logger, refreshMs: options.refreshMs });
}

async function readExperiments(file: string, logger: Logger): Promise<readonly Experiment[]> {
  const { experiments, issues } = await loadExperiments(file, { strategies: [...BUILTIN_STRATEGIES.keys()] });
  const errors = issues.filter((issue) => issue.severity === 'error').map(formatIssue);
  if (errors.length > 0) throw new SwitchboardError('CONFIG_INVALID', `experiments file has errors:\n${errors.join('\n')}`);
  for (const issue of issues) logger.warn(formatIssue(issue));
  const enabled = experiments.find((experiment) => experiment.enabled);
  logger.info(
    enabled ? `experiment ${enabled.name}: ${enabled.variants.map((v) => `${v.name} ${v.share}`).join(', ')} (by ${enabled.key})` : `no experiment enabled in ${file}`,
  );
  return experiments;
}
