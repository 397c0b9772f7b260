import type { RoutingResult } from '../contracts/routing.ts';
import { SwitchboardError } from '../errors.ts';
import { isRecord } from '../routing/strategies/lexical/snapshot-data.ts';
import type { FacadePath } from './route.ts';

/**
 * Claude Code's UserPromptSubmit command hook (SPEC §4): what it writes on the hook's stdin,
 * and the output that adds the ranked candidates to the prompt's context. Only the fields
 * used are read; unknown ones (session_id, transcript_path, permission_mode…) are ignored.
 */
export interface HookInput {
  readonly hook_event_name?: string;
  readonly prompt: string;
  /** The project the prompt was typed in: where `.claude/agents` lives. */
  readonly cwd?: string;
}

/**
 * Reads the hook's stdin. Checked by hand, not with a schema library: every prompt waits for
 * this process, and loading one took a sixth of its time for three string fields.
 */
export function parseHookInput(raw: string): HookInput {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new SwitchboardError('INVALID_REQUEST', 'stdin is not the JSON of a UserPromptSubmit hook');
  }
  if (!isRecord(json)) throw new SwitchboardError('INVALID_REQUEST', 'hook input: expected a JSON object');
  const problems: string[] = [];
  if (typeof json.prompt !== 'string') problems.push(`prompt: expected a string, got ${typeName(json.prompt)}`);
  for (const field of ['hook_event_name', 'cwd'] as const) {
    if (json[field] !== undefined && typeof json[field] !== 'string') problems.push(`${field}: expected a string, got ${typeName(json[field])}`);
  }
  if (problems.length > 0) throw new SwitchboardError('INVALID_REQUEST', `hook input: ${problems.join('; ')}`);
  return json as unknown as HookInput;
}

function typeName(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}

/** Each reason is cut to this, so the context stays a few hundred characters (Claude Code's cap is 10,000). */
const MAX_REASON_CHARS = 160;

/** The text added to the prompt: the candidates best first, or nothing when no agent fits. */
export function additionalContext(result: RoutingResult, path: FacadePath): string | undefined {
  if (result.recommendations.length === 0) return undefined;
  const lines = result.recommendations.map((recommendation, i) => {
    const reason = recommendation.reason.length > MAX_REASON_CHARS ? `${recommendation.reason.slice(0, MAX_REASON_CHARS - 1)}…` : recommendation.reason;
    return `${i + 1}. ${recommendation.agent_name} (confidence ${recommendation.confidence.total.toFixed(2)}): ${reason}`;
  });
  const how = `${result.routing_metadata.routing_strategy}, ${path === 'local' || path === 'hybrid' ? 'local router' : 'routing service'}`;
  return [`Switchboard's ranked subagents for this prompt (${how}); consider delegating to the first if it fits:`, ...lines].join('\n');
}

/** The hook's stdout: JSON that Claude Code reads on exit 0. */
export function hookOutput(context: string): string {
  return `${JSON.stringify({ hookSpecificOutput: { hookEventName: 'UserPromptSubmit', additionalContext: context } })}\n`;
}
