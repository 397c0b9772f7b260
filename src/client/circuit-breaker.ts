export type CircuitState = 'closed' | 'open' | 'half_open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit (default 5). */
  readonly failureThreshold?: number;
  /** How long the circuit stays open before one trial call is let through, ms (default 60 s). */
  readonly cooldownMs?: number;
  /** Clock, ms (tests). */
  readonly now?: () => number;
  /** Told about every transition, for logs and metrics. */
  readonly onStateChange?: (state: CircuitState, previous: CircuitState) => void;
}

export const BREAKER_DEFAULTS = { failureThreshold: 5, cooldownMs: 60_000 } as const;

/**
 * Keeps calls off a service that keeps failing (SPEC §4): closed, it counts consecutive
 * failures and opens at the threshold; open, it refuses calls (callers go local at once
 * instead of waiting out a timeout each) until the cooldown has passed; then it lets one
 * trial call through (half-open), which closes it on success or reopens it on failure.
 * Every call it allows must be reported once, with `success()` or `failure()`.
 */
export class CircuitBreaker {
  readonly #threshold: number;
  readonly #cooldownMs: number;
  readonly #now: () => number;
  readonly #onStateChange: CircuitBreakerOptions['onStateChange'];
  #state: CircuitState = 'closed';
  #failures = 0;
  #openedAt = 0;
  #trialInFlight = false;

  constructor(options: CircuitBreakerOptions = {}) {
    this.#threshold = options.failureThreshold ?? BREAKER_DEFAULTS.failureThreshold;
    this.#cooldownMs = options.cooldownMs ?? BREAKER_DEFAULTS.cooldownMs;
    this.#now = options.now ?? Date.now;
    this.#onStateChange = options.onStateChange;
    if (!Number.isInteger(this.#threshold) || this.#threshold < 1) throw new RangeError(`failureThreshold must be a positive integer, got ${this.#threshold}`);
    if (!(this.#cooldownMs >= 0)) throw new RangeError(`cooldownMs must be 0 or more, got ${this.#cooldownMs}`);
  }

  /** The state as of now (an open circuit whose cooldown has passed reads half-open). */
  get state(): CircuitState {
    if (this.#state === 'open' && this.#now() - this.#openedAt >= this.#cooldownMs) this.#move('half_open');
    return this.#state;
  }

  get consecutiveFailures(): number {
    return this.#failures;
  }

  /** Whether a call may go through now; a half-open circuit lets one trial through at a time. */
  allow(): boolean {
    switch (this.state) {
      case 'closed':
        return true;
      case 'open':
        return false;
      case 'half_open':
        if (this.#trialInFlight) return false;
        this.#trialInFlight = true;
        return true;
    }
  }

  /** The service answered: the circuit closes, whatever it was. */
  success(): void {
    this.#failures = 0;
    this.#trialInFlight = false;
    this.#move('closed');
  }

  failure(): void {
    this.#failures++;
    if (this.#state === 'half_open' || (this.#state === 'closed' && this.#failures >= this.#threshold)) {
      this.#trialInFlight = false;
      this.#openedAt = this.#now();
      this.#move('open');
    }
  }

  #move(state: CircuitState): void {
    const previous = this.#state;
    if (previous === state) return;
    this.#state = state;
    this.#onStateChange?.(state, previous);
  }
}
