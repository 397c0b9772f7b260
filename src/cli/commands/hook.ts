import { existsSync } from 'node:fs';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import { additionalContext, hookOutput, parseHookInput } from '../../client/claude-hook.ts';
import { RoutingFacade } from '../../client/route.ts';
import { truncateRequest } from '../../contracts/routing.ts';
import { SwitchboardError } from '../../errors.ts';
import { openRouter } from '../../open-router.ts';
import { parseTimeout } from '../client-flags.ts';
import { LocalDecisions } from '../local-decisions.ts';
import { parseCommand, REGISTRY_OPTION } from '../options.ts';

/** Every prompt waits for the hook: the service gets this long before the local router answers. */
const DEFAULT_TIMEOUT_MS = 300;
const TIMEOUT_VARIABLE = 'SWITCHBOARD_HOOK_TIMEOUT_MS';
const SERVICE_VARIABLE = 'SWITCHBOARD_URL';

/**
 * `switchboard hook claude`: a UserPromptSubmit hook. It always exits 0, adding the ranked
 * candidates as context when it has them and nothing otherwise: exit 2 would block the
 * user's prompt, so a routing problem is only said on stderr (Claude Code's verbose mode).
 *
 * It asks the service over HTTP (`--service` or SWITCHBOARD_URL), not Kafka: a hook is a
 * fresh process per prompt, and loading the Kafka client and joining a reply group alone
 * took ~0.6 s here, twice the whole budget. Without a service it routes locally.
 */
export async function runHook(args: string[]): Promise<number> {
  try {
    const { output, local, db } = await hook(args);
    if (output !== undefined) await write(output);
    await recordWithin(local, db, RECORD_BUDGET_MS);
  } catch (error) {
    process.stderr.write(`switchboard hook: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  return 0;
}

/** How long the hook may spend recording a local answer, after it has printed it. */
const RECORD_BUDGET_MS = 1_000;

/**
 * Records a local answer (only with `--db` or DATABASE_URL) once the prompt has its context. A
 * database that does not answer in time is given up on, and the process exits at once rather
 * than wait out connect timeouts: the prompt must never wait for the history.
 */
async function recordWithin(local: LocalDecisions, db: string | undefined, budgetMs: number): Promise<void> {
  const timedOut = Symbol('timed out');
  const outcome = await Promise.race([
    local.record(db),
    new Promise<typeof timedOut>((resolve) => setTimeout(resolve, budgetMs, timedOut).unref()),
  ]);
  if (outcome === timedOut) {
    process.stderr.write(`switchboard hook: the decision store did not answer within ${budgetMs} ms; this answer is not recorded\n`);
    process.exit(0);
  }
}

async function hook(args: string[]): Promise<{ output: string | undefined; local: LocalDecisions; db: string | undefined }> {
  const { values, positionals } = parseCommand(args, {
    ...REGISTRY_OPTION,
    service: { type: 'string' },
    timeout: { type: 'string' },
    db: { type: 'string' },
  });
  const { db } = values;
  if (positionals.join(' ') !== 'claude') throw new SwitchboardError('USAGE', `usage: switchboard hook claude (got '${positionals.join(' ')}')`);
  const timeoutMs = parseTimeout(values.timeout ?? process.env[TIMEOUT_VARIABLE], DEFAULT_TIMEOUT_MS);
  const serviceUrl = values.service ?? process.env[SERVICE_VARIABLE];
  const input = parseHookInput(await text(process.stdin));
  const local = new LocalDecisions();
  if (input.hook_event_name !== undefined && input.hook_event_name !== 'UserPromptSubmit') return { output: undefined, local, db };
  if (input.prompt.trim() === '') return { output: undefined, local, db };
  const registry = registryFor(values.registry, input.cwd ?? process.cwd());
  // Lexical: the embedding model would add 0.3-0.6 s to every prompt that falls back.
  const openLocal = async () => (await openRouter(registry, { defaultStrategy: 'lexical', cache: false, parseCache: true })).router;
  // The HTTP client (and the event schemas it validates replies with) loads only when there is a service to ask.
  const remote = serviceUrl ? new (await import('../../client/http-client.ts')).RoutingHttpClient(serviceUrl) : undefined;
  const facade = new RoutingFacade({ remote, local: openLocal, decisions: local, service: 'switchboard-hook' });
  const routed = await facade.route(truncateRequest(input.prompt), { timeoutMs });
  if (routed.service_error !== undefined) process.stderr.write(`switchboard hook: ${routed.service_error.message}; routed locally\n`);
  const context = additionalContext(routed.result, routed.routing_path);
  // Recorded by the caller after the output is out, only with a store named: the project folder the hook runs in is not the place for one.
  return { output: context === undefined ? undefined : hookOutput(context), local, db };
}

/** `--registry`, else SWITCHBOARD_REGISTRY, else the project's `.claude/agents` (the hook input's cwd). */
function registryFor(flags: string[] | undefined, cwd: string): string[] {
  if (flags !== undefined && flags.length > 0) return flags;
  const fromEnv = process.env.SWITCHBOARD_REGISTRY?.split(':').filter(Boolean);
  if (fromEnv !== undefined && fromEnv.length > 0) return fromEnv;
  const project = path.join(cwd, '.claude', 'agents');
  if (existsSync(project)) return [project];
  throw new SwitchboardError('USAGE', `no registry: no ${project}, no --registry, no SWITCHBOARD_REGISTRY`);
}

/** Resolves once stdout has taken the text (a pipe writes asynchronously). */
function write(output: string): Promise<void> {
  return new Promise((resolve, reject) => process.stdout.write(output, (error) => (error ? reject(error) : resolve())));
}
