import { randomUUID } from 'node:crypto';
import type { RoutingRequest, RoutingResult } from '../contracts/routing.ts';
import { CircuitBreaker } from './circuit-breaker.ts';
import type { DecisionReporter } from './decision-report.ts';
import { RoutingClientError, RoutingFailedError, RoutingTimeoutError } from './errors.ts';
import type { RemoteRouter } from './remote.ts';
import { routingRequest, type RequestOptions } from './request.ts';
import { eventsKilled, inEventShare } from './rollout.ts';

/** What it needs of the in-process router (Router is one). */
export interface LocalRouter {
  route(request: RoutingRequest): Promise<RoutingResult>;
}

export interface RouteOptions extends RequestOptions {
  /** Ask the service at all (default true; `SWITCHBOARD_USE_EVENTS=false` overrides it). */
  readonly useEvents?: boolean;
  /** Share of correlation ids sent to the service, 0..1 (default 1): the rollout dial. */
  readonly eventShare?: number;
  /** Answer locally when asking the service fails (default true); false rethrows its error. */
  readonly fallbackOnError?: boolean;
  /** How long the service may take, ms (default: the remote router's). */
  readonly timeoutMs?: number;
  /** A UUID; default a new one. It also picks the rollout bucket. */
  readonly correlationId?: string;
}

/**
 * How a decision was reached: by the service (over `event`s, or `http`), locally without
 * asking it, or locally after asking it failed (`hybrid`).
 */
export type FacadePath = RemoteRouter['transport'] | 'local' | 'hybrid';

/** Why the local router answered. */
export type LocalReason =
  | 'no_service'
  | 'disabled'
  | 'kill_switch'
  | 'rollout'
  | 'circuit_open'
  | 'timeout'
  | 'transport'
  | 'failed';

export interface RoutedDecision {
  readonly result: RoutingResult;
  readonly routing_path: FacadePath;
  readonly correlation_id: string;
  /** Set when the local router answered. */
  readonly local_reason?: LocalReason;
  /** Why asking the service failed (`hybrid`). */
  readonly service_error?: RoutingClientError;
}

export interface FacadeOptions {
  /** The way to the service (the event client, or HTTP); without one every call is local. */
  readonly remote?: RemoteRouter;
  /** The in-process router over the same registry, opened on first need (then kept). */
  readonly local: () => Promise<LocalRouter>;
  readonly breaker?: CircuitBreaker;
  /** Defaults for every call's options. */
  readonly defaults?: RouteOptions;
  /** Where the kill switch is read, at every call (tests). */
  readonly env?: NodeJS.ProcessEnv;
  /** Where local answers are reported, so that the decision history shows them too. */
  readonly decisions?: DecisionReporter;
  /** Who this client is, in the decision events it reports (default `switchboard-client`). */
  readonly service?: string;
}

/**
 * The `route()` facade of SPEC §4: one call that asks the routing service (over events,
 * or HTTP) when the rollout says so and the circuit is closed, and otherwise (or when that
 * fails, if allowed) the in-process router, saying which path answered.
 */
export class RoutingFacade {
  readonly breaker: CircuitBreaker;
  readonly #remote: RemoteRouter | undefined;
  readonly #openLocal: () => Promise<LocalRouter>;
  readonly #defaults: RouteOptions;
  readonly #env: NodeJS.ProcessEnv;
  readonly #decisions: DecisionReporter | undefined;
  readonly #service: string;
  #localRouter: Promise<LocalRouter> | undefined;

  constructor(options: FacadeOptions) {
    this.#remote = options.remote;
    this.#openLocal = options.local;
    this.breaker = options.breaker ?? new CircuitBreaker();
    this.#defaults = options.defaults ?? {};
    this.#env = options.env ?? process.env;
    this.#decisions = options.decisions;
    this.#service = options.service ?? 'switchboard-client';
  }

  /**
   * Rejects only with INVALID_REQUEST (before any path is tried), the local router's
   * errors, or, with fallback off, the service's.
   */
  async route(userRequest: string, callOptions: RouteOptions = {}): Promise<RoutedDecision> {
    const options = { ...this.#defaults, ...callOptions };
    const request = routingRequest(userRequest, options);
    const correlationId = options.correlationId ?? randomUUID();
    const skip = this.#skipReason(correlationId, options);
    if (skip !== undefined) return this.#routeLocally(request, correlationId, skip);
    try {
      const remote = this.#remote!;
      const result = await remote.send(request, { correlationId, timeoutMs: options.timeoutMs });
      this.breaker.success();
      return { result, routing_path: remote.transport, correlation_id: correlationId };
    } catch (error) {
      // A request the service refused as invalid says the service is up; anything else
      // (a timeout, a transport or service failure, or a bug of ours) says the path is not.
      if (error instanceof RoutingClientError && !error.canRetry) this.breaker.success();
      else this.breaker.failure();
      if (!(error instanceof RoutingClientError) || options.fallbackOnError === false) throw error;
      return this.#routeLocally(request, correlationId, reasonOf(error), error);
    }
  }

  /** Why the service is not asked for this call, if it is not; takes the breaker's trial when it is. */
  #skipReason(correlationId: string, options: RouteOptions): LocalReason | undefined {
    if (this.#remote === undefined) return 'no_service';
    if (options.useEvents === false) return 'disabled';
    if (eventsKilled(this.#env)) return 'kill_switch';
    if (!inEventShare(correlationId, options.eventShare ?? 1)) return 'rollout';
    if (!this.breaker.allow()) return 'circuit_open';
    return undefined;
  }

  async #routeLocally(request: RoutingRequest, correlationId: string, reason: LocalReason, serviceError?: RoutingClientError): Promise<RoutedDecision> {
    const started = performance.now();
    this.#localRouter ??= this.#openLocal();
    // A router that failed to open is tried again by the next call.
    const router = await this.#localRouter.catch((error: unknown) => {
      this.#localRouter = undefined;
      throw error;
    });
    const result = await router.route(request);
    const routingPath = serviceError === undefined ? 'local' : 'hybrid';
    this.#decisions?.report({ request, result, correlationId, routingPath, latencyMs: performance.now() - started, service: this.#service, decidedAt: new Date() });
    return {
      result,
      routing_path: routingPath,
      correlation_id: correlationId,
      local_reason: reason,
      ...(serviceError !== undefined && { service_error: serviceError }),
    };
  }
}

function reasonOf(error: RoutingClientError): LocalReason {
  if (error instanceof RoutingTimeoutError) return 'timeout';
  return error instanceof RoutingFailedError ? 'failed' : 'transport';
}
