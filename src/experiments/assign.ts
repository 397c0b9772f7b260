import { createHash } from 'node:crypto';
import type { RoutingContext } from '../contracts/routing.ts';
import type { AssignmentKey, Experiment, Variant } from './config.ts';

/**
 * Sticky assignment (SPEC §6): a request's variant is a pure function of the experiment's
 * salt and the request's assignment key, so every instance, and every retry, agrees on it
 * without shared state.
 */

/** The context key each assignment key is read from; `correlation_id` is the request's own id. */
const CONTEXT_KEYS = { session: 'session_id', user: 'user_id' } as const satisfies Record<Exclude<AssignmentKey, 'correlation_id'>, string>;

/**
 * A uniform point in [0, 1): the first 48 bits of sha256(salt, NUL, key). A cryptographic
 * hash leaves no pattern between neighbouring keys (sequential ids, `user-1`, `user-2`) and
 * none with the other hashes of the same ids (Kafka's murmur2 partitioning, the rollout's
 * event share), so a variant never coincides with a partition or a transport path. The NUL
 * keeps `('ab', 'c')` and `('a', 'bc')` apart.
 */
export function assignmentPoint(salt: string, key: string): number {
  const digest = createHash('sha256').update(salt).update('\0').update(key).digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

/** The variant `key` falls in: shares are laid end to end over [0, 1) in file order. */
export function assignVariant(experiment: Pick<Experiment, 'salt' | 'variants'>, key: string): Variant {
  const point = assignmentPoint(experiment.salt, key);
  let end = 0;
  for (const variant of experiment.variants) {
    end += variant.share;
    if (point < end) return variant;
  }
  // Shares sum to 1 only within rounding: a point past their float sum belongs to the last variant with traffic.
  return experiment.variants.findLast((variant) => variant.share > 0)!;
}

export interface Assignment {
  readonly experiment: string;
  readonly variant: Variant;
}

/**
 * The variant of the enabled experiment for one request, or undefined when no experiment is
 * enabled or the request lacks the experiment's key (an empty value counts as lacking it).
 * Such a request stays out of the experiment rather than falling to a default variant,
 * which would bias that variant's sample with, say, every caller that sends no session.
 */
export function assignRequest(
  experiments: readonly Experiment[],
  context: RoutingContext | undefined,
  correlationId: string,
): Assignment | undefined {
  const experiment = experiments.find((candidate) => candidate.enabled);
  if (experiment === undefined) return undefined;
  const key = experiment.key === 'correlation_id' ? correlationId : context?.[CONTEXT_KEYS[experiment.key]];
  if (!key) return undefined;
  return { experiment: experiment.name, variant: assignVariant(experiment, key) };
}
