import { existsSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { SwitchboardError } from '../errors.ts';

/** parseArgs with usage errors as SwitchboardError USAGE (exit 2) instead of TypeErrors. */
export function parseCommand<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new SwitchboardError('USAGE', (error as Error).message);
  }
}

export const REGISTRY_OPTION = { registry: { type: 'string', short: 'r', multiple: true } } as const;

/**
 * Registry paths: `--registry` flags, else `SWITCHBOARD_REGISTRY` (paths separated by ':'),
 * else `.claude/agents` in the working directory, where Claude Code keeps project subagents.
 */
export function registryPaths(flags: string[] | undefined): string[] {
  if (flags !== undefined && flags.length > 0) return flags;
  const fromEnv = process.env.SWITCHBOARD_REGISTRY?.split(':').filter(Boolean);
  if (fromEnv !== undefined && fromEnv.length > 0) return fromEnv;
  if (existsSync('.claude/agents')) return ['.claude/agents'];
  throw new SwitchboardError('USAGE', 'no registry: pass --registry DIR|FILE, set SWITCHBOARD_REGISTRY, or run where ./.claude/agents exists');
}

export function parseNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (value.trim() === '' || Number.isNaN(number)) throw new SwitchboardError('USAGE', `${flag} expects a number, got '${value}'`);
  return number;
}

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `24h`, `30m`, `7d`, `90s`, or an ISO-8601 time. */
export function parseSince(value: string, now = Date.now()): Date {
  const relative = /^(\d+(?:\.\d+)?)([smhd])$/.exec(value.trim());
  if (relative !== null) return new Date(now - Number(relative[1]) * UNIT_MS[relative[2] as keyof typeof UNIT_MS]);
  const absolute = Date.parse(value);
  if (Number.isNaN(absolute)) throw new SwitchboardError('USAGE', `--since expects a duration like 24h, 30m, 7d or an ISO time, got '${value}'`);
  return new Date(absolute);
}
