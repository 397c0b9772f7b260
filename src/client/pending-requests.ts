/** What became of a reply handed to `settle`. */
export type ReplyMatch =
  /** It answered a request in flight. */
  | 'matched'
  /** Its request was already answered: a redelivered or repeated reply. */
  | 'duplicate'
  /** Its request had already given up (timed out, or the client closed). */
  | 'late'
  /** No request of this client has that correlation id (another client's reply). */
  | 'unknown';

interface Pending<T> {
  readonly resolve: (value: T) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/** Correlation ids remembered after settling, to tell a duplicate or late reply from an unknown one. */
const REMEMBERED = 10_000;

/**
 * Requests in flight keyed by correlation id, each with its own timer: one Map, so a reply
 * is matched by a lookup, and the first outcome (reply, timeout or close) wins. Settled ids
 * are remembered (bounded, oldest forgotten first) so that a redelivered reply is answered
 * once and counted for what it is.
 */
export class PendingRequests<T> {
  readonly #pending = new Map<string, Pending<T>>();
  readonly #settled = new Map<string, 'answered' | 'abandoned'>();

  get size(): number {
    return this.#pending.size;
  }

  has(id: string): boolean {
    return this.#pending.has(id);
  }

  /** Waits for `id`'s reply; after `timeoutMs`, rejects with `onTimeout()`. */
  add(id: string, timeoutMs: number, onTimeout: () => Error): Promise<T> {
    const { promise, resolve, reject } = Promise.withResolvers<T>();
    const timer = setTimeout(() => this.#finish(id, 'abandoned')?.reject(onTimeout()), timeoutMs);
    this.#pending.set(id, { resolve, reject, timer });
    return promise;
  }

  /**
   * Settles `id` with its reply: a value, or an error the service sent. `outcome` is called
   * only when `id` is in flight, so a reply that is not ours is never read.
   */
  settle(id: string, outcome: () => { readonly value: T } | { readonly error: Error }): ReplyMatch {
    const pending = this.#finish(id, 'answered');
    if (pending === undefined) {
      const settled = this.#settled.get(id);
      return settled === undefined ? 'unknown' : settled === 'answered' ? 'duplicate' : 'late';
    }
    const result = outcome();
    if ('error' in result) pending.reject(result.error);
    else pending.resolve(result.value);
    return 'matched';
  }

  /** Gives `id` up with an error of the client's own (it could not be sent). */
  abandon(id: string, error: Error): void {
    this.#finish(id, 'abandoned')?.reject(error);
  }

  abandonAll(error: (id: string) => Error): void {
    for (const id of [...this.#pending.keys()]) this.abandon(id, error(id));
  }

  #finish(id: string, how: 'answered' | 'abandoned'): Pending<T> | undefined {
    const pending = this.#pending.get(id);
    if (pending === undefined) return undefined;
    clearTimeout(pending.timer);
    this.#pending.delete(id);
    this.#settled.set(id, how);
    if (this.#settled.size > REMEMBERED) this.#settled.delete(this.#settled.keys().next().value as string);
    return pending;
  }
}
