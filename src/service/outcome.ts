import { MAX_ERROR_MESSAGE_CHARS, type FailedPayload } from '../contracts/events.ts';
import { ERROR_CODES, SwitchboardError, toSwitchboardError, type ErrorCode } from '../errors.ts';

/**
 * How one request ended, as metrics count it: `completed` chose an agent, `no_match` is an
 * explicit no-match (both are completed replies on the wire), `invalid` was rejected before
 * routing, `failed` broke while routing, `expired` was skipped because its deadline passed.
 */
export const OUTCOMES = ['completed', 'no_match', 'invalid', 'failed', 'expired'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface Failure {
  readonly code: ErrorCode;
  /** HTTP status of the reply. */
  readonly status: number;
  readonly outcome: 'invalid' | 'failed';
  readonly payload: FailedPayload;
}

/** Errors from the HTTP layer (bad JSON, media type, body size) carry a 4xx `statusCode`. */
function clientStatus(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

/** Messages can quote the caller's input (a strategy name): bounded, as the failed event requires. */
function bounded(message: string): string {
  return message.length > MAX_ERROR_MESSAGE_CHARS ? `${message.slice(0, MAX_ERROR_MESSAGE_CHARS - 1)}…` : message;
}

/**
 * The one place where an error becomes an outcome: the catalogue gives the wire code and
 * the HTTP status; a framework's 4xx (413, 415, bad JSON) keeps its status and is the
 * caller's fault, INVALID_REQUEST. Anything else unknown is our bug, INTERNAL_ERROR.
 */
export function failureOf(error: unknown): Failure {
  const status = clientStatus(error);
  if (status !== undefined && !(error instanceof SwitchboardError)) {
    const message = error instanceof Error ? error.message : String(error);
    return { code: 'INVALID_REQUEST', status, outcome: 'invalid', payload: { error_code: 'INVALID_REQUEST', error_message: bounded(message) } };
  }
  const known = toSwitchboardError(error);
  const entry = ERROR_CODES[known.code];
  return {
    code: known.code,
    status: entry.http,
    outcome: entry.wire === 'INVALID_REQUEST' ? 'invalid' : 'failed',
    payload: { error_code: entry.wire, error_message: bounded(known.message) },
  };
}
