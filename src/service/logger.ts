import { pino, type Logger } from 'pino';

/**
 * The service's structured log: JSON lines on stderr (stdout stays free for data), at
 * `SWITCHBOARD_LOG_LEVEL` (default `info`). Writes are synchronous: the service logs a
 * handful of lines per run, and a line written just before exit must not be lost.
 */
export function createLogger(level = process.env.SWITCHBOARD_LOG_LEVEL ?? 'info'): Logger {
  return pino({ name: 'switchboard', level }, pino.destination({ dest: 2, sync: true }));
}
