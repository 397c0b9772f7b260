import { SwitchboardError } from '../errors.ts';

/**
 * A Kafka client failure as the rest of Switchboard sees it: SERVICE_UNAVAILABLE (the
 * broker is out of reach, or refused), with the client's own error kept as the cause.
 * The client nests errors (one per retry, one per topic or partition): the message lists
 * the distinct innermost ones, which are the informative part.
 */
export function kafkaError(action: string, error: unknown): SwitchboardError {
  return new SwitchboardError('SERVICE_UNAVAILABLE', `kafka: ${action} failed: ${describe(error)}`, { cause: error });
}

export function describe(error: unknown): string {
  return [...new Set(innermostErrors(error).map((inner) => (inner instanceof Error ? inner.message : String(inner))))].join('; ');
}

/** The errors at the leaves of the client's nesting (AggregateError.errors, recursively). */
export function innermostErrors(error: unknown, depth = 0): unknown[] {
  if (!(error instanceof AggregateError) || error.errors.length === 0 || depth > 4) return [error];
  return error.errors.flatMap((inner: unknown) => innermostErrors(inner, depth + 1));
}
