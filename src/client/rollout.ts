/**
 * Rollout controls of SPEC §4: a kill switch in the environment that sends everything local
 * at once, and a share of traffic sent over events, sticky per correlation id (the same id
 * always takes the same path, so a retried request does not flip between paths).
 */

export const KILL_SWITCH_VARIABLE = 'SWITCHBOARD_USE_EVENTS';

/** True when the environment turns the event path off (`SWITCHBOARD_USE_EVENTS=false`, `0`, `no` or `off`). */
export function eventsKilled(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env[KILL_SWITCH_VARIABLE]?.trim().toLowerCase();
  return value === 'false' || value === '0' || value === 'no' || value === 'off';
}

/** Whether `correlationId` falls in the `share` (0..1) of traffic sent over events. */
export function inEventShare(correlationId: string, share: number): boolean {
  if (share >= 1) return true;
  if (share <= 0) return false;
  return bucket(correlationId) < share;
}

/**
 * A uniform point in [0, 1) for a string: FNV-1a, then murmur3's finaliser so that ids
 * differing in their last characters (sequential ids) still spread evenly.
 */
function bucket(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return (hash >>> 0) / 2 ** 32;
}
