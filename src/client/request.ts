import type { RoutingContext, RoutingRequest } from '../contracts/routing.ts';
import { normaliseRequest } from '../routing/request.ts';

/** A routing request as the client library takes it (SPEC §4's camelCase options). */
export interface RequestOptions {
  readonly context?: RoutingContext;
  /** 1..10, default 5. */
  readonly maxRecommendations?: number;
  /** 0..1, default 0.5. */
  readonly minConfidence?: number;
  readonly strategy?: string;
}

/**
 * The SPEC §2 routing input for a call, checked as the service checks it before anything
 * is sent or routed: a bad request is the caller's INVALID_REQUEST, never a transport
 * failure or a failed event, and never counts against the service.
 */
export function routingRequest(userRequest: string, options: RequestOptions): RoutingRequest {
  const routingOptions = {
    ...(options.maxRecommendations !== undefined && { max_recommendations: options.maxRecommendations }),
    ...(options.minConfidence !== undefined && { min_confidence: options.minConfidence }),
    ...(options.strategy !== undefined && { routing_strategy: options.strategy }),
  };
  const request: RoutingRequest = {
    user_request: userRequest,
    ...(options.context !== undefined && { context: options.context }),
    ...(Object.keys(routingOptions).length > 0 && { options: routingOptions }),
  };
  normaliseRequest(request);
  return request;
}
