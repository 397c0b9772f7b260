import { existsSync } from 'node:fs';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import { setTimeout as sleep } from 'node:timers/promises';
import { additionalContext, hookOutput, HookInput } from '../../client/claude-hook.ts';
import { connectOverKafka, kafkaBrokers } from '../../client/kafka.ts';
import { RoutingFacade } from '../../client/route.ts';
import { MAX_REQUEST_CHARS } from '../../contracts/routing.ts';
import { SwitchboardError } from '../../errors.ts';
import { openRouter } from '../../open-router.ts';
import { CLIENT_OPTIONS, parseTimeout } from '../client-flags.ts';
import { parseCommand, REGISTRY_OPTION } from '../options.ts';

/** Every prompt waits for the hook: the service gets this long before the local router answers. */
const DEFAULT_TIMEOUT_MS = 300;
const TIMEOUT_VARIABLE = 'SWITCHBOARD_HOOK_TIMEOUT_MS';
/** How long closing the Kafka client may hold the process after the answer is out. */
const CLOSE_GRACE_MS = 200;

/**
 * `switchboard hook claude`: a UserPromptSubmit hook. It always exits 0, adding the ranked
 * candidates as context when it has them and nothing otherwise, because exit 2 would block
 * the user's prompt and any other code would only show an error: a routing problem is said
 * on stderr (visible in Claude Code's verbose mode) and the prompt goes on.
 */
export async function runHook(args: string[]): Promise<number> {
  try {
    const output = await hook(args);
    if (output !== undefined) await write(output);
  } catch (error) {
    process.stderr.write(`switchboard hook: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  return 0;
}

async function hook(args: string[]): Promise<string | undefined> {
  const { values, positionals } = parseCommand(args, { ...REGISTRY_OPTION, ...CLIENT_OPTIONS });
  if (positionals.join(' ') !== 'claude') throw new SwitchboardError('USAGE', `usage: switchboard hook claude (got '${positionals.join(' ')}')`);
  const timeoutMs = parseTimeout(values.timeout ?? process.env[TIMEOUT_VARIABLE], DEFAULT_TIMEOUT_MS);
  const input = readInput(await text(process.stdin));
  if (input.hook_event_name !== undefined && input.hook_event_name !== 'UserPromptSubmit') return undefined;
  if (input.prompt.trim() === '') return undefined;
  const registry = registryFor(values.registry, input.cwd ?? process.cwd());
  // Opened at once, beside the service call, so that a fallback costs no load time then.
  // Lexical: the embedding model would add 0.3-0.6 s to every prompt that falls back.
  const local = openRouter(registry, { defaultStrategy: 'lexical', cache: false, parseCache: true }).then(({ router }) => router);
  local.catch(() => undefined); // a service answer makes it unneeded; a fallback rethrows it
  const brokers = kafkaBrokers(values.kafka);
  const client = brokers === undefined ? undefined : await connectOverKafka(brokers, { service: 'switchboard-hook', timeoutMs });
  try {
    const facade = new RoutingFacade({ events: client, local: () => local });
    const routed = await facade.route(input.prompt.slice(0, MAX_REQUEST_CHARS), { timeoutMs });
    if (routed.event_error !== undefined) process.stderr.write(`switchboard hook: ${routed.event_error.message}; routed locally\n`);
    const context = additionalContext(routed.result, routed.routing_path);
    return context === undefined ? undefined : hookOutput(context);
  } finally {
    // A broker that went away can hold a close for long: the prompt must not wait for it.
    if (client !== undefined) await Promise.race([client.close(), sleep(CLOSE_GRACE_MS, undefined, { ref: false })]);
  }
}

function readInput(raw: string): HookInput {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new SwitchboardError('INVALID_REQUEST', 'stdin is not the JSON of a UserPromptSubmit hook');
  }
  const parsed = HookInput.safeParse(json);
  if (!parsed.success) throw new SwitchboardError('INVALID_REQUEST', `hook input: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || 'input'}: ${issue.message}`).join('; ')}`);
  return parsed.data;
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
