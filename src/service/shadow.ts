import type { Logger } from 'pino';
import type { RoutingOptions } from '../contracts/routing.ts';
import { assignmentPoint } from '../experiments/index.ts';
import type { Router } from '../routing/router.ts';
import type { ComparisonRecord } from '../store/decision-record.ts';
import type { ServiceMetrics } from './metrics.ts';
import type { Decision } from './routing-service.ts';

export interface ShadowOptions {
  /** The second strategy every sampled request is also routed with. */
  readonly strategy: string;
  /** The share of requests shadowed, 0..1, sticky per correlation id. */
  readonly share: number;
}

/** Where comparisons are kept (the decision history). */
export interface ComparisonSink {
  recordComparison(comparison: ComparisonRecord): Promise<void>;
}

export interface ShadowRunnerOptions extends ShadowOptions {
  readonly router: () => Router;
  readonly history: ComparisonSink | undefined;
  readonly metrics: ServiceMetrics;
  readonly logger: Logger;
}

/**
 * Shadow comparison (SPEC §6): a share of the requests is routed a second time with another
 * strategy after its answer has gone out, and the two decisions are recorded as a comparison
 * (`stats` shows the match rate, `trace` each pair). The second run never touches the answer:
 * it starts on a later turn of the event loop and its failures are only counted and logged.
 */
export class ShadowRunner {
  readonly #options: ShadowRunnerOptions;
  readonly #running = new Set<Promise<void>>();

  constructor(options: ShadowRunnerOptions) {
    this.#options = options;
  }

  /** Called once the primary answer is sent; returns at once. */
  schedule(input: unknown, primary: Decision, correlationId: string): void {
    if (!primary.ok || assignmentPoint('shadow', correlationId) >= this.#options.share) return;
    const run = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.#compare(input, primary, correlationId));
    this.#running.add(run);
    void run.finally(() => this.#running.delete(run));
  }

  /** Waits for the comparisons in flight (shutdown). */
  async flush(): Promise<void> {
    await Promise.all(this.#running);
  }

  async #compare(input: unknown, primary: Decision & { ok: true }, correlationId: string): Promise<void> {
    const { strategy, metrics, logger } = this.#options;
    const request = input as { options?: RoutingOptions };
    const started = performance.now();
    try {
      const shadow = await this.#options.router().route({ ...(input as object), options: { ...request.options, routing_strategy: strategy } } as Parameters<Router['route']>[0]);
      const timeB = performance.now() - started;
      const [a, b] = [primary.result, shadow];
      const match = a.selected_agent === b.selected_agent;
      metrics.shadowed(match ? 'match' : 'differ');
      await this.#options.history?.recordComparison({
        correlation_id: correlationId,
        path_a: `primary:${a.routing_metadata.routing_strategy}`,
        path_b: `shadow:${strategy}`,
        agent_a: a.selected_agent,
        agent_b: b.selected_agent,
        confidence_a: a.recommendations[0]?.confidence.total ?? null,
        confidence_b: b.recommendations[0]?.confidence.total ?? null,
        match,
        time_a_ms: primary.latencyMs,
        time_b_ms: timeB,
      });
    } catch (error) {
      metrics.shadowed('failed');
      logger.warn({ err: error, correlation_id: correlationId, strategy }, 'shadow comparison failed');
    }
  }
}
