import type { RoutingRequest, RoutingResult } from '../contracts/routing.ts';

export interface SendOptions {
  /** ms (default DEFAULT_TIMEOUT_MS); over events it also sets the request's `deadline`, after which the service skips it. */
  readonly timeoutMs?: number;
  /** A UUID; default a new one. */
  readonly correlationId?: string;
}

export const DEFAULT_TIMEOUT_MS = 2_000;

/**
 * A way to the routing service, as the facade uses it: RoutingEventClient (`event`), or
 * RoutingHttpClient (`http`) for processes too short-lived to join a consumer group. `send`
 * rejects with the RoutingClientError subclasses, or INVALID_REQUEST before sending anything.
 */
export interface RemoteRouter {
  readonly transport: 'event' | 'http';
  send(request: RoutingRequest, options?: SendOptions): Promise<RoutingResult>;
}
