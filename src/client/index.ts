/**
 * The client library (SPEC §4): ask the routing service over the bus, with typed errors, a
 * circuit breaker, rollout controls and a facade that falls back to the in-process router.
 */
export { RoutingEventClient, type ClientStats, type EventClientOptions, type RequestRoutingOptions } from './event-client.ts';
export { RoutingHttpClient } from './http-client.ts';
export { DEFAULT_TIMEOUT_MS, type RemoteRouter, type SendOptions } from './remote.ts';
export { RoutingClientError, RoutingFailedError, RoutingTimeoutError, RoutingTransportError } from './errors.ts';
export { CircuitBreaker, BREAKER_DEFAULTS, type CircuitBreakerOptions, type CircuitState } from './circuit-breaker.ts';
export { RoutingFacade, type FacadeOptions, type RouteOptions, type RoutedDecision, type LocalReason, type FacadePath } from './route.ts';
export { connectOverKafka, kafkaBrokers } from './kafka.ts';
export { eventsKilled, inEventShare, KILL_SWITCH_VARIABLE } from './rollout.ts';
