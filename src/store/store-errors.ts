import { SwitchboardError } from '../errors.ts';

/**
 * The database is unreachable or went away mid-query: their outage, not our bug. The
 * writer spools on this error and retries; any other error from a write is about the rows.
 */
export class StoreUnavailableError extends SwitchboardError {
  constructor(location: string, cause: unknown) {
    super('SERVICE_UNAVAILABLE', `decision store ${location} is unavailable: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'StoreUnavailableError';
  }
}

// Connection-level failures from node-postgres and the sockets under it.
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * PostgreSQL SQLSTATEs that say "not now" rather than "not this row", so the rows wait in the
 * spool: 08 connection, 53 insufficient resources, 57P01..04 shutdown / cannot connect now /
 * database dropped, 3D000 no such database (dropped, not created yet), 28 authorisation (a
 * role or password being changed), 55 object not in prerequisite state (a database that does
 * not accept connections now), 25006 read-only transaction (a failover's standby), 40001 and
 * 40P01 serialisation failure and deadlock (retry).
 */
const UNAVAILABLE_SQLSTATE = /^(?:08|53|28|55)|^(?:57P0[1-4]|3D000|25006|40001|40P01)$/;

export function isPostgresUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code))) return true;
  const message = (error as Error)?.message ?? '';
  // node-postgres reports a dropped socket or a pool timeout by message only.
  return /Connection terminated|connection timeout|Client has encountered a connection error|timeout exceeded when trying to connect|Query read timeout/i.test(message);
}
