import { SwitchboardError } from '../errors.ts';
import { parseNumber } from './options.ts';

/** `--timeout` in ms, 1..600,000; `fallback` when absent. */
export function parseTimeout(value: string | undefined, fallback: number): number {
  const timeoutMs = parseNumber(value, '--timeout') ?? fallback;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 600_000) {
    throw new SwitchboardError('USAGE', `--timeout expects 1..600000 ms, got '${value}'`);
  }
  return timeoutMs;
}
