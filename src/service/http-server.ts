import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { FeedbackPayload } from '../contracts/events.ts';
import { isUuid } from '../store/decision-record.ts';
import { SwitchboardError, type ErrorCode } from '../errors.ts';
import type { FeedbackResult } from './metrics.ts';
import { healthReport, type BusStatus } from './health.ts';
import type { DecisionHistory } from './history.ts';
import { failureOf } from './outcome.ts';
import type { RegistryReloader } from './registry-reloader.ts';
import { registerReloadRoute } from './reload-route.ts';
import type { Decision, RoutingService } from './routing-service.ts';

export interface HttpServerOptions {
  readonly logger: Logger;
  /** The request consumer's status for /health, or null without one. */
  readonly busStatus: () => BusStatus | null;
  /** Told about every request that reached the decision path (for the decision event). */
  readonly onDecision?: (request: unknown, decision: Decision, correlationId: string) => void;
  /** Where outcomes go; without it `POST /feedback` answers 503. */
  readonly history?: DecisionHistory;
  /** Registry reloads: their state on /health, and `POST /reload` (without it: no such endpoint). */
  readonly reloader?: RegistryReloader;
  /** The bearer token `POST /reload` requires; without it the endpoint answers 403. */
  readonly adminToken?: string;
}

/** A caller may name its request (to send feedback on it later); the answer always says which id it got. */
export const CORRELATION_HEADER = 'x-correlation-id';

/** The caller's own id, when it sent a valid one. */
function givenCorrelationId(request: FastifyRequest): string | undefined {
  const given = request.headers[CORRELATION_HEADER];
  return typeof given === 'string' && isUuid(given) ? given.toLowerCase() : undefined;
}

function correlationIdOf(request: FastifyRequest): string {
  const given = request.headers[CORRELATION_HEADER];
  if (given === undefined) return randomUUID();
  const valid = givenCorrelationId(request);
  if (valid !== undefined) return valid;
  throw new SwitchboardError('INVALID_REQUEST', `${CORRELATION_HEADER} must be one UUID, got '${String(given).slice(0, 100)}'`);
}

/**
 * A 10,000-character request is at most 60 KB as JSON (`\uXXXX` escapes); the rest is
 * room for context and options. Anything larger is refused before it is read.
 */
export const BODY_LIMIT_BYTES = 128 * 1024;

/** Framework errors in the words of the API: what was wrong with the body. */
function describe(error: FastifyError, request: FastifyRequest): string {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return `content-type must be application/json, got '${request.headers['content-type'] ?? 'none'}'`;
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return `body is over the ${BODY_LIMIT_BYTES}-byte limit`;
    default:
      return error instanceof SyntaxError ? `body is not valid JSON: ${error.message}` : error.message;
  }
}

/**
 * The HTTP face of the service: GET /health, GET /metrics, POST /route, POST /feedback, POST /reload. Every failure,
 * including a body the framework could not read, is answered `{error_code, error_message}`
 * with the catalogue's status; nothing a client sends can take the server down.
 */
export function buildHttpServer(service: RoutingService, options: HttpServerOptions): FastifyInstance {
  const { logger } = options;
  // Fastify's own info lines (the listening address) would repeat the service's ready line.
  const httpLogger: FastifyBaseLogger = logger.child({}, { level: logger.isLevelEnabled('warn') ? 'warn' : logger.level });
  const app = Fastify({
    loggerInstance: httpLogger,
    // One log line per request would cost more than the decision itself.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT_BYTES,
    // Idle keep-alive sockets close at shutdown; requests in progress finish first.
    forceCloseConnections: 'idle',
  });
  // Only JSON is a routing request: a text/plain body is refused with 415, not parsed.
  app.removeContentTypeParser('text/plain');

  // A keep-alive socket that answered during the drain would hold shutdown open until its
  // idle timeout: tell the client this response is the socket's last.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (service.draining) reply.header('connection', 'close');
    done(null, payload);
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const isRoute = request.routeOptions.url === '/route';
    const failure = isRoute ? service.rejected(error, 'http') : failureOf(error);
    if (request.routeOptions.url === '/feedback') service.metrics.feedback('invalid', 'http');
    if (failure.status >= 500) request.log.error({ err: error, url: request.url }, 'request failed');
    const message = failure.code === 'INVALID_REQUEST' ? describe(error, request) : failure.payload.error_message;
    // A body the framework refused (not JSON, too large, another content type) still gets an id to quote.
    if (isRoute) reply.header(CORRELATION_HEADER, givenCorrelationId(request) ?? randomUUID());
    return reply.code(failure.status).send({ ...failure.payload, error_message: message });
  });

  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error_code: 'INVALID_REQUEST', error_message: `no such endpoint: ${request.method} ${request.url}` }),
  );

  app.get('/health', async (_request, reply) => {
    const report = healthReport(service, options.busStatus(), options.history?.status() ?? null, options.reloader?.status() ?? null);
    return reply.code(report.status === 'ok' ? 200 : 503).send(report);
  });

  app.get('/metrics', async (_request, reply) => {
    const { registry } = service.metrics;
    return reply.type(registry.contentType).send(await registry.metrics());
  });

  app.post('/route', async (request, reply) => {
    const correlationId = correlationIdOf(request);
    const decision = await service.decide(request.body, 'http', correlationId);
    options.onDecision?.(request.body, decision, correlationId);
    reply.header(CORRELATION_HEADER, correlationId);
    if (decision.ok) return reply.send(decision.result);
    return reply.code(decision.failure.status).send(decision.failure.payload);
  });

  // The body is the feedback payload of SPEC §3: {correlation_id, success, quality_score?, note?, source?}.
  app.post('/feedback', async (request, reply) => {
    const parsed = FeedbackPayload.safeParse(request.body);
    let failure;
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; ');
      failure = failureOf(new SwitchboardError('INVALID_REQUEST', `feedback: ${problems}`));
    } else if (options.history === undefined) {
      failure = failureOf(new SwitchboardError('SERVICE_UNAVAILABLE', 'this service keeps no decision history (started with --no-history)'));
    } else {
      try {
        await options.history.recordOutcome({ ...parsed.data, source: parsed.data.source ?? 'http' });
        service.metrics.feedback('recorded', 'http');
        return reply.send({ recorded: true, correlation_id: parsed.data.correlation_id });
      } catch (error) {
        failure = failureOf(error);
      }
    }
    service.metrics.feedback(feedbackResult(failure.code), 'http');
    return reply.code(failure.status).send(failure.payload);
  });

  if (options.reloader !== undefined) registerReloadRoute(app, options.reloader, options.adminToken);

  return app;
}

function feedbackResult(code: ErrorCode): FeedbackResult {
  if (code === 'UNKNOWN_CORRELATION_ID') return 'unknown_correlation_id';
  return code === 'SERVICE_UNAVAILABLE' ? 'unavailable' : 'invalid';
}
