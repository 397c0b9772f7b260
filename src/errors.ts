/**
 * One catalogue of error codes. Wire codes are SPEC §3's `error_code` values; each error
 * also knows its HTTP status and CLI exit code, so the edges map errors in one place.
 */
export const ERROR_CODES = {
  INVALID_REQUEST: { http: 400, exit: 2, wire: 'INVALID_REQUEST' },
  UNKNOWN_STRATEGY: { http: 400, exit: 2, wire: 'INVALID_REQUEST' },
  /** Feedback for a correlation id no recorded decision has. */
  UNKNOWN_CORRELATION_ID: { http: 404, exit: 1, wire: 'INVALID_REQUEST' },
  REGISTRY_LOAD_FAILED: { http: 503, exit: 1, wire: 'REGISTRY_LOAD_FAILED' },
  NO_AGENTS_AVAILABLE: { http: 503, exit: 1, wire: 'NO_AGENTS_AVAILABLE' },
  ROUTING_TIMEOUT: { http: 504, exit: 1, wire: 'ROUTING_TIMEOUT' },
  SERVICE_UNAVAILABLE: { http: 503, exit: 1, wire: 'SERVICE_UNAVAILABLE' },
  USAGE: { http: 400, exit: 2, wire: 'INVALID_REQUEST' },
  /** An admin call (`POST /reload`) without the admin token, or with a wrong one. */
  UNAUTHORIZED: { http: 401, exit: 1, wire: 'INVALID_REQUEST' },
  /** An admin call to a service started without an admin token: the admin endpoints are off. */
  ADMIN_DISABLED: { http: 403, exit: 1, wire: 'INVALID_REQUEST' },
  /** An operator's configuration file (experiments) with errors: the service does not start on it. */
  CONFIG_INVALID: { http: 500, exit: 2, wire: 'INTERNAL_ERROR' },
  INTERNAL_ERROR: { http: 500, exit: 1, wire: 'INTERNAL_ERROR' },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;
export type WireErrorCode = (typeof ERROR_CODES)[ErrorCode]['wire'];

export class SwitchboardError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SwitchboardError';
    this.code = code;
  }

  get wireCode(): WireErrorCode {
    return ERROR_CODES[this.code].wire;
  }

  get exitCode(): number {
    return ERROR_CODES[this.code].exit;
  }
}

/** Any thrown value as a SwitchboardError: unknown errors are our bug, INTERNAL_ERROR. */
export function toSwitchboardError(error: unknown): SwitchboardError {
  if (error instanceof SwitchboardError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new SwitchboardError('INTERNAL_ERROR', message, { cause: error });
}
