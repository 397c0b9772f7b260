import { SwitchboardError } from '../../errors.ts';
import { parseCommand } from '../options.ts';

const USAGE = 'usage: switchboard reload [--service URL] [--token T]';

/** Where `serve` listens with its defaults. */
const DEFAULT_SERVICE = 'http://127.0.0.1:8787';

/** Indexing a large registry with the embedding model takes seconds; a service that has not answered in two minutes is stuck. */
const TIMEOUT_MS = 120_000;

interface ReloadAnswer {
  readonly result?: string;
  readonly registry_version?: string;
  readonly agents?: number;
  readonly error_message?: string;
  readonly errors?: readonly string[];
}

/**
 * `switchboard reload`: asks a running service (`POST /reload`) to load its registry files
 * again. Exit 0 when it serves them (`reloaded`, or `unchanged` when the content is the same),
 * 1 when it refused them (each `file:line` error on stderr), refused the token, or could not
 * be reached; 2 for usage.
 */
export async function runReload(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(args, { service: { type: 'string' }, token: { type: 'string' } });
  if (positionals.length > 0) throw new SwitchboardError('USAGE', USAGE);
  const url = reloadUrl(values.service ?? (process.env.SWITCHBOARD_URL || DEFAULT_SERVICE));
  const token = values.token || process.env.SWITCHBOARD_ADMIN_TOKEN;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: token ? { authorization: `Bearer ${token}` } : {},
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    const reason = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
    process.stderr.write(`switchboard: cannot reach ${url}: ${reason}\n`);
    return 1;
  }
  const answer = (await response.json().catch(() => ({}))) as ReloadAnswer;
  if (response.ok) {
    const done = answer.result === 'unchanged' ? 'unchanged' : 'reloaded';
    process.stdout.write(`${done}: registry ${answer.registry_version}, ${answer.agents} agents\n`);
    return 0;
  }
  const message = answer.error_message ?? `${url} answered ${response.status}`;
  const details = (answer.errors ?? []).map((line) => `  ${line}\n`).join('');
  process.stderr.write(`switchboard: ${message}\n${details}`);
  return 1;
}

function reloadUrl(service: string): URL {
  try {
    return new URL('/reload', service);
  } catch {
    throw new SwitchboardError('USAGE', `--service expects the service's URL, such as ${DEFAULT_SERVICE}; got '${service}'`);
  }
}
