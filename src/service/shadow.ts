import type { Logger } from 'pino';
import type { RoutingOptions } from '../contracts/routing.ts';
import { assignmentPoint, type Experiment } from '../experiments/index.ts';
import type { Router } from '../routing/router.ts';
import type { ComparisonRecord } from '../store/decision-record.ts';
import type { ComparisonResult, ServiceMetrics } from './metrics.ts';
import type { Decision } from './routing-service.ts';

export interface ShadowOptions {
  /** The second strategy every sampled request is also routed with. */
  readonly strategy: string;
  /** The share of requests shadowed, 0..1, sticky per correlation id. */
  readonly share: number;
}

/** Where comparisons are kept (the decision history). */
export interface ComparisonSink {
  /** Never blocks, never throws: the history's writer keeps it, spooled while the database is away. */
  recordComparison(comparison: Omit<ComparisonRecord, 'comparison_id' | 'compared_at'>): void;
}

export interface ShadowRunnerOptions {
  /** A second strategy for a share of the requests (`serve --shadow-strategy`), if any. */
  readonly shadow?: ShadowOptions;
  /**
   * The experiments the service assigns requests to: a decision made by a variant other than
   * its experiment's control is also decided with the control's options, and the pair
   * recorded, so that the report can say how often the variants agree.
   */
  readonly experiments?: readonly Experiment[];
  readonly router: () => Router;
  /** True while primary requests are being decided: shadow runs wait for a quiet moment. */
  readonly busy: () => boolean;
  readonly history: ComparisonSink | undefined;
  readonly metrics: ServiceMetrics;
  readonly logger: Logger;
}

interface ShadowJob {
  /** A shadow strategy's run, or an experiment control's. */
  readonly kind: 'shadow' | 'control';
  readonly input: unknown;
  readonly primary: Decision & { ok: true };
  readonly correlationId: string;
  /** The options the second run routes with, over the request's own. */
  readonly options: RoutingOptions;
  readonly pathA: string;
  readonly pathB: string;
}

/** Comparisons waiting for a quiet moment; past this, new ones are skipped (and counted). */
const MAX_WAITING = 1_000;
/** How long to wait before looking again while primary requests are in progress, ms. */
const BUSY_RETRY_MS = 2;
/**
 * The share of wall time shadow runs may take, per second: a shadow strategy slower than
 * the primary (or a share of 1 under load) is thinned out instead of taking the CPU the
 * answers need. Runs over budget are skipped and counted.
 */
const CPU_BUDGET = 0.1;
const BUDGET_WINDOW_MS = 1_000;

/**
 * Shadow comparison (SPEC §6): a share of the requests is routed a second time with another
 * strategy after its answer has gone out, and the two decisions are recorded as a comparison
 * (`stats` shows the match rate, `trace` each pair). So is every decision an experiment's
 * treatment variant made, against its control's options (the report's agreement). The second
 * run never touches the answer, and never competes with one: runs wait in a bounded queue and
 * go one at a time, only while no primary request is being decided, and within a CPU budget;
 * beyond either bound they are skipped (counted), not queued without end. Failures are
 * counted and logged.
 */
export class ShadowRunner {
  readonly #options: ShadowRunnerOptions;
  readonly #waiting: ShadowJob[] = [];
  #pumping: Promise<void> | undefined;
  #windowStart = 0;
  #spentMs = 0;

  constructor(options: ShadowRunnerOptions) {
    this.#options = options;
  }

  /**
   * Called once the primary answer is sent; returns at once. An explicit request is decided
   * alike under any strategy: comparing it would only inflate the match rate.
   */
  schedule(input: unknown, primary: Decision, correlationId: string): void {
    if (!primary.ok || primary.result.routing_policy === 'explicit_request') return;
    const { shadow } = this.#options;
    if (shadow !== undefined && assignmentPoint('shadow', correlationId) < shadow.share) {
      const pathA = `primary:${primary.result.routing_metadata.routing_strategy}`;
      // The options the answer was decided with (a variant's threshold too), only the strategy swapped.
      const options = { ...primary.assignment?.variant.options, routing_strategy: shadow.strategy };
      this.#enqueue({ kind: 'shadow', input, primary, correlationId, options, pathA, pathB: `shadow:${shadow.strategy}` });
    }
    const { assignment } = primary;
    const control = assignment && this.#options.experiments?.find((e) => e.name === assignment.experiment)?.variants[0];
    if (assignment !== undefined && control !== undefined && control.name !== assignment.variant.name) {
      const pathA = `variant:${assignment.variant.name}`;
      this.#enqueue({ kind: 'control', input, primary, correlationId, options: control.options, pathA, pathB: `control:${control.name}` });
    }
  }

  /**
   * Control runs go ahead of shadow runs: the experiment report's agreement needs them, and
   * a slower shadow strategy would otherwise take the CPU budget they share.
   */
  #enqueue(job: ShadowJob): void {
    if (this.#waiting.length >= MAX_WAITING) {
      this.#count(job.kind, 'skipped');
      return;
    }
    const firstShadow = job.kind === 'control' ? this.#waiting.findIndex((waiting) => waiting.kind === 'shadow') : -1;
    if (firstShadow < 0) this.#waiting.push(job);
    else this.#waiting.splice(firstShadow, 0, job);
    this.#pumping ??= this.#pump().finally(() => (this.#pumping = undefined));
  }

  #count(kind: ShadowJob['kind'], result: ComparisonResult): void {
    if (kind === 'shadow') this.#options.metrics.shadowed(result);
    else this.#options.metrics.controlCompared(result);
  }

  /** Shutdown: drops the comparisons still waiting (counted as skipped) and waits for the one in progress. */
  async flush(): Promise<void> {
    for (const job of this.#waiting.splice(0)) this.#count(job.kind, 'skipped');
    await this.#pumping;
  }

  async #pump(): Promise<void> {
    while (this.#waiting.length > 0) {
      await new Promise((resolve) => (this.#options.busy() ? setTimeout(resolve, BUSY_RETRY_MS) : setImmediate(resolve)));
      if (this.#options.busy()) continue;
      const job = this.#waiting.shift()!;
      if (!this.#withinBudget()) {
        this.#count(job.kind, 'skipped');
        continue;
      }
      this.#spentMs += await this.#compare(job);
    }
  }

  #withinBudget(): boolean {
    const now = performance.now();
    if (now - this.#windowStart >= BUDGET_WINDOW_MS) {
      this.#windowStart = now;
      this.#spentMs = 0;
    }
    return this.#spentMs < CPU_BUDGET * BUDGET_WINDOW_MS;
  }

  /** Routes the request again and records the pair; returns the time routing took (the CPU the budget counts, not the write). */
  async #compare({ kind, input, primary, correlationId, options, pathA, pathB }: ShadowJob): Promise<number> {
    const { logger } = this.#options;
    const request = input as { options?: RoutingOptions };
    const started = performance.now();
    let timeB = 0;
    try {
      const second = await this.#options.router().route({ ...(input as object), options: { ...request.options, ...options } } as Parameters<Router['route']>[0]);
      timeB = performance.now() - started;
      const [a, b] = [primary.result, second];
      const match = a.selected_agent === b.selected_agent;
      this.#count(kind, match ? 'match' : 'differ');
      this.#options.history?.recordComparison({
        correlation_id: correlationId,
        path_a: pathA,
        path_b: pathB,
        agent_a: a.selected_agent,
        agent_b: b.selected_agent,
        confidence_a: a.recommendations[0]?.confidence.total ?? null,
        confidence_b: b.recommendations[0]?.confidence.total ?? null,
        match,
        time_a_ms: primary.latencyMs,
        time_b_ms: timeB,
      });
    } catch (error) {
      this.#count(kind, 'failed');
      logger.warn({ err: error, correlation_id: correlationId, path: pathB }, 'shadow comparison failed');
    }
    return timeB || performance.now() - started;
  }
}
