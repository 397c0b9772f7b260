import { FailedPayload, type FeedbackPayload } from '../contracts/events.ts';
import type { RoutingRequest, RoutingResult } from '../contracts/routing.ts';
import { RoutingResultSchema } from '../contracts/routing-schemas.ts';
import { RoutingFailedError, RoutingTimeoutError, RoutingTransportError } from './errors.ts';
import { randomUUID } from 'node:crypto';
import { DEFAULT_TIMEOUT_MS, type RemoteRouter, type SendOptions } from './remote.ts';

/**
 * Asks the routing service's `POST /route`, with the event client's typed errors. For
 * short-lived processes (the Claude Code hook): one HTTP request costs tens of ms from a
 * cold process, where the event path must first load the Kafka client and join a consumer
 * group (~0.6 s measured), longer than such a caller can wait.
 */
export class RoutingHttpClient implements RemoteRouter {
  readonly transport = 'http';
  readonly #url: URL;
  readonly #feedbackUrl: URL;
  readonly #timeoutMs: number;

  /** `baseUrl`: the service, `http://127.0.0.1:8787` when served with the defaults. */
  constructor(baseUrl: string, options: { readonly timeoutMs?: number } = {}) {
    this.#url = new URL('/route', baseUrl);
    this.#feedbackUrl = new URL('/feedback', baseUrl);
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** The correlation id travels as the `x-correlation-id` header: the service records the decision under it. */
  async send(request: RoutingRequest, options: SendOptions = {}): Promise<RoutingResult> {
    const { correlationId = randomUUID(), timeoutMs = this.#timeoutMs } = options;
    const { response, body } = await this.#post(this.#url, request, correlationId, timeoutMs);
    if (response.ok) {
      const result = RoutingResultSchema.safeParse(body);
      if (result.success) return result.data;
    } else {
      const failure = FailedPayload.safeParse(body);
      if (failure.success) throw new RoutingFailedError(correlationId, failure.data);
    }
    throw new RoutingTransportError(correlationId, `${this.#url}: unreadable ${response.status} answer`);
  }

  /** Records the outcome of a routed request (`POST /feedback`); rejects with RoutingFailedError when refused. */
  async feedback(outcome: FeedbackPayload): Promise<void> {
    const { response, body } = await this.#post(this.#feedbackUrl, outcome, outcome.correlation_id, this.#timeoutMs);
    if (response.ok) return;
    const failure = FailedPayload.safeParse(body);
    if (failure.success) throw new RoutingFailedError(outcome.correlation_id, failure.data);
    throw new RoutingTransportError(outcome.correlation_id, `${this.#feedbackUrl}: unreadable ${response.status} answer`);
  }

  async #post(url: URL, payload: unknown, correlationId: string, timeoutMs: number): Promise<{ response: Response; body: unknown }> {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-correlation-id': correlationId },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(timeoutMs),
      });
      return { response, body: parseJson(await response.text()) };
    } catch (error) {
      if (error instanceof DOMException && error.name === 'TimeoutError') throw new RoutingTimeoutError(correlationId, timeoutMs);
      const reason = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
      throw new RoutingTransportError(correlationId, `${url}: ${reason}`, { cause: error });
    }
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
