import { z } from 'zod';
import { makeAgent, type FormatResult } from './normalise.ts';
import { readFrontmatter } from './frontmatter.ts';
import { AgentName, OptionalFlag, OptionalText } from './schema.ts';
import { zodIssues } from './yaml-source.ts';

/**
 * Claude Code subagents (SPEC §1): Markdown with `name` and `description` frontmatter. The
 * body is the agent's system prompt: it becomes the weak `body` field only, because it
 * also names other agents ("ask the context manager") that must not pull requests.
 */
const Subagent = z.object({
  name: AgentName,
  description: OptionalText,
  // The key Claude Code's skills use for "only the user invokes this", read on subagents too:
  // an explicit-only agent (a Switchboard extension; Claude Code itself ignores it on subagents).
  'disable-model-invocation': OptionalFlag,
});

const EXAMPLE_BLOCK = /<example>([\s\S]*?)<\/example>/gi;
/** `user: "…"` inside an example: the one part of an example that is a request. */
const USER_TURN = /\buser:\s*["“]([^"”]+)["”]/gi;
/** `Triggers on: 'GDPR', 'CCPA'.` at the end of a description lists trigger phrases. */
const TRIGGERS_ON = /\bTriggers on:/i;
const QUOTED = /(['"])(.+?)\1/g;

/**
 * Splits a description into prose, example utterances and trigger phrases. Example blocks
 * ("Use this agent when … <example>Context: … user: "…" assistant: "I'll use the x agent"
 * <commentary>…</commentary></example>") are dropped from the prose: only their user turns
 * look like requests; the assistant turns and commentary mostly repeat agent names.
 */
export function splitDescription(description: string): { prose: string; examples: string[]; triggers: string[] } {
  const examples = [...description.matchAll(EXAMPLE_BLOCK)].flatMap((block) =>
    [...block[1].matchAll(USER_TURN)].map((turn) => turn[1]),
  );
  const prose = description
    .replace(/\bExamples?:\s*(?=<example>)/gi, '')
    .replace(EXAMPLE_BLOCK, ' ')
    .replace(/<\/?(?:example|commentary)>/gi, ' ')
    .trim();
  const triggersOn = TRIGGERS_ON.exec(prose);
  const tail = triggersOn ? prose.slice(triggersOn.index + triggersOn[0].length) : '';
  const triggers = [...tail.matchAll(QUOTED)].map((quoted) => quoted[2]);
  // Only a tail made of quoted phrases and separators is a trigger list; anything else stays prose.
  if (!triggersOn || triggers.length === 0 || !/^[\s,.;]*$/.test(tail.replace(QUOTED, ''))) {
    return { prose, examples, triggers: [] };
  }
  return { prose: prose.slice(0, triggersOn.index).trim(), examples, triggers };
}

/** The Markdown after the frontmatter, without code fences' contents (code is not routing prose). */
function markdownBody(text: string): string {
  return text
    .replace(/^---\r?\n[\s\S]*?\r?\n---/, '')
    .replace(/```[\s\S]*?```/g, ' ');
}

/** `undefined` when the file is not a subagent: no frontmatter, or one with neither name nor description. */
export function readClaudeMarkdown(file: string, text: string): FormatResult | undefined {
  const frontmatter = readFrontmatter(file, text);
  if (!frontmatter || (frontmatter.data.name === undefined && frontmatter.data.description === undefined)) return undefined;
  const parsed = Subagent.safeParse(frontmatter.data);
  if (!parsed.success) {
    return { entries: [], issues: [...frontmatter.issues, ...zodIssues(file, parsed.error, frontmatter.lineOf)] };
  }
  const issues = [...frontmatter.issues];
  if (!parsed.data.description?.trim()) {
    issues.push({ file, line: frontmatter.lineOf(['name']), field: 'description', message: 'missing: the agent can only be requested by name', severity: 'warning' });
  }
  const { prose, examples, triggers } = splitDescription(parsed.data.description ?? '');
  const agent = makeAgent({
    name: parsed.data.name,
    description: prose,
    triggers,
    examples,
    body: markdownBody(text),
    explicitOnly: parsed.data['disable-model-invocation'],
    definitionPath: file,
    sourceFormat: 'claude_md',
  });
  return { entries: [{ agent, line: frontmatter.lineOf(['name']), descriptionLine: frontmatter.lineOf(['description']) }], issues };
}
