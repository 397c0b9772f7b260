import { z } from 'zod';
import type { RoutingResult } from '../contracts/routing.ts';
import type { FacadePath } from './route.ts';

/**
 * Claude Code's UserPromptSubmit command hook (SPEC §4): what it writes on the hook's stdin,
 * and the output that adds the ranked candidates to the prompt's context. Only the fields
 * used are read; unknown ones (session_id, transcript_path, permission_mode…) are ignored.
 */
export const HookInput = z.object({
  hook_event_name: z.string().optional(),
  prompt: z.string(),
  /** The project the prompt was typed in: where `.claude/agents` lives. */
  cwd: z.string().optional(),
});
export type HookInput = z.output<typeof HookInput>;

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
