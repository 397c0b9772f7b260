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
 * PostgreSQL SQLSTATE classes that say "not now" rather than "not this row": 08 connection,
 * 53 insufficient resources, 57P01..03 shutdown / cannot connect now.
 */
export function isPostgresUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || code.startsWith('08') || code.startsWith('53') || /^57P0[1-3]$/.test(code)) return true;
  }
  const message = (error as Error)?.message ?? '';
  // node-postgres reports a dropped socket or a pool timeout by message only.
  return /Connection terminated|connection timeout|Client has encountered a connection error|timeout exceeded when trying to connect|Query read timeout/i.test(message);
}
