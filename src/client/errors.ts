import { SwitchboardError, type WireErrorCode } from '../errors.ts';

/**
 * Why a call over the event path did not return a decision. `canRetry` tells callers (and
 * the circuit breaker) whether the service may answer a later attempt, without reading
 * message text: a timeout, a transport failure or a service-side failure may pass; a
 * request the service refused as invalid will be refused again.
 */
export class RoutingClientError extends SwitchboardError {
  readonly correlationId: string;
  readonly canRetry: boolean;

  constructor(code: SwitchboardError['code'], message: string, correlationId: string, canRetry: boolean, options?: ErrorOptions) {
    super(code, message, options);
    this.name = 'RoutingClientError';
    this.correlationId = correlationId;
    this.canRetry = canRetry;
  }
}

/** No reply within the caller's timeout (the service is slow, down, or unreachable). */
export class RoutingTimeoutError extends RoutingClientError {
  readonly timeoutMs: number;

  constructor(correlationId: string, timeoutMs: number) {
    super('ROUTING_TIMEOUT', `no routing reply within ${timeoutMs} ms (correlation id ${correlationId})`, correlationId, true);
    this.name = 'RoutingTimeoutError';
    this.timeoutMs = timeoutMs;
  }
}

/** The request could not be sent, the client was closed, or the reply was unreadable. */
export class RoutingTransportError extends RoutingClientError {
  constructor(correlationId: string, message: string, options?: ErrorOptions) {
    super('SERVICE_UNAVAILABLE', message, correlationId, true, options);
    this.name = 'RoutingTransportError';
  }
}

/** The service answered with a failed event (SPEC §3); its `error_code` is kept as is. */
export class RoutingFailedError extends RoutingClientError {
  readonly errorCode: WireErrorCode;
  readonly fallbackRecommendation: string | undefined;

  constructor(correlationId: string, payload: { error_code: WireErrorCode; error_message: string; fallback_recommendation?: string }) {
    // An invalid request is the caller's: asking again gets the same answer.
    super(payload.error_code, payload.error_message, correlationId, payload.error_code !== 'INVALID_REQUEST');
    this.name = 'RoutingFailedError';
    this.errorCode = payload.error_code;
    this.fallbackRecommendation = payload.fallback_recommendation;
  }
}
