import type { Agent, RegistryIssue, SourceFormat } from './agent.ts';

/** An agent as read, with where it was defined. */
export interface AgentEntry {
  readonly agent: Agent;
  /** Line of the definition in its file, for issues that concern the whole agent. */
  readonly line: number;
  /** Line of its description, when it has one: where a warning about its wording points. */
  readonly descriptionLine?: number;
  /**
   * Central index entries only: the names of the full definitions this entry summarises
   * (its `name` field and `agent-` + key). When one of them is loaded too, the entry
   * becomes an alias of it instead of a second agent.
   */
  readonly describes?: readonly string[];
}

/** What one format reader makes of one file. Readers are pure: no I/O, never throw. */
export interface FormatResult {
  readonly entries: readonly AgentEntry[];
  readonly issues: readonly RegistryIssue[];
}

/** The fields a reader found (null or absent: not given); `makeAgent` fills the defaults. */
export interface AgentFields {
  readonly name: string;
  readonly title?: string | null;
  readonly description?: string | null;
  readonly triggers?: readonly string[] | null;
  readonly contextTriggers?: readonly string[] | null;
  readonly antiTriggers?: readonly string[] | null;
  readonly capabilities?: readonly string[] | null;
  readonly domain?: string | null;
  readonly examples?: readonly string[] | null;
  readonly body?: string | null;
  readonly aliases?: readonly string[] | null;
  /** Declared by a field; when absent, read from the description's own words. */
  readonly explicitOnly?: boolean | null;
  readonly definitionPath: string;
  readonly sourceFormat: SourceFormat;
}

/** Whitespace collapsed to single spaces: folded YAML, `\n` escapes and indentation all read the same. */
export function cleanText(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * Cleaned, non-empty, first occurrence kept (case-insensitive), minus anything in `exclude`:
 * repeats would only skew term weights.
 */
export function cleanList(items: Iterable<string>, exclude: readonly string[] = []): string[] {
  const seen = new Set(exclude.map((item) => item.toLowerCase()));
  const out: string[] = [];
  for (const item of items) {
    const text = cleanText(item);
    const key = text.toLowerCase();
    if (text === '' || seen.has(key)) continue;
    seen.add(key);
    out.push(text);
  }
  return out;
}

/** `agent-debug-log-writer` → `Debug Log Writer`: a readable title when the source has none. */
export function titleFromName(name: string): string {
  return name
    .replace(/^agent-/, '')
    .split(/[-_\s]+/)
    .filter((word) => word !== '')
    .map((word) => word[0].toUpperCase() + word.slice(1))
    .join(' ');
}

/**
 * Formats with no field for it (ONEX, the central index) say it in the description: "not
 * auto-triggered by routing", "never invoked by the router", "not for automatic routing".
 * Routing must be named: "deploys are never triggered automatically" describes the agent's
 * subject, not how it is reached. (Parsed agents are cached: bump parse-cache.ts's FORMAT
 * when this changes.)
 */
export const DECLARES_EXPLICIT_ONLY =
  /\b(?:(?:not|never)\s+(?:be\s+)?(?:auto(?:matically)?[-\s]?)?(?:triggered|invoked|selected|chosen)\s+(?:automatically\s+)?by\s+(?:the\s+)?rout(?:ing|er)|not\s+for\s+automatic\s+routing)\b/i;

/**
 * The one place an Agent is built, so every format gets the same cleaning and defaults.
 * Agents are frozen: a registry is shared by concurrent decisions.
 */
export function makeAgent(fields: AgentFields): Agent {
  const name = cleanText(fields.name);
  const title = cleanText(fields.title ?? '');
  const domain = cleanText(fields.domain ?? '');
  const list = (items: readonly string[] | null | undefined, exclude?: readonly string[]) =>
    Object.freeze(cleanList(items ?? [], exclude));
  const triggers = list(fields.triggers);
  const description = cleanText(fields.description ?? '');
  return Object.freeze({
    name,
    title: title === '' ? titleFromName(name) : title,
    description,
    triggers,
    // A phrase listed as both counts once, as the stronger explicit trigger.
    contextTriggers: list(fields.contextTriggers, triggers),
    antiTriggers: list(fields.antiTriggers),
    capabilities: list(fields.capabilities),
    domain: domain === '' ? 'general' : domain,
    examples: list(fields.examples),
    body: cleanText(fields.body ?? ''),
    explicitOnly: fields.explicitOnly ?? DECLARES_EXPLICIT_ONLY.test(description),
    aliases: list(fields.aliases),
    definitionPath: fields.definitionPath,
    sourceFormat: fields.sourceFormat,
  });
}

/**
 * `agent` (made by makeAgent) with more aliases. Its other fields are clean already:
 * cleaning long bodies again cost a one-shot CLI call milliseconds.
 */
export function withAliases(agent: Agent, aliases: readonly string[]): Agent {
  return Object.freeze({ ...agent, aliases: Object.freeze(cleanList([...agent.aliases, ...aliases])) });
}
