import path from 'node:path';
import { z } from 'zod';
import { cleanText, makeAgent, type FormatResult } from './normalise.ts';
import { OptionalText, Text } from './schema.ts';
import { issueAt, lineOf, schemaIssues, type YamlSource } from './yaml-source.ts';

/**
 * ONEX per-agent YAML (SPEC §1). Only the routing fields are validated; the rest of these
 * long files (workflows, quality gates, templates) is configuration of the agent itself.
 */
const OnexFile = z.object({
  agent_identity: z.object(
    { name: OptionalText, title: OptionalText, display_name: OptionalText, description: OptionalText },
    { error: 'expected a mapping' },
  ),
  purpose: OptionalText,
  domain: OptionalText,
  domain_context: z
    .union([Text, z.object({ primary: OptionalText })], { error: 'expected a string or a mapping with `primary`' })
    .nullish(),
  activation_patterns: z.record(z.string(), z.unknown(), { error: 'expected a mapping' }).nullish(),
  activation_triggers: z.unknown().optional(),
  capabilities: z.unknown().optional(),
});

type Bucket = 'triggers' | 'contextTriggers' | 'antiTriggers' | 'ignore';

/**
 * Which field a phrase list feeds, from its key. Trigger keys vary from file to file
 * (`explicit_triggers`, `trigger_keywords`, `automatic_triggers.keywords.primary`,
 * `capability_matching`, …), so keys are classified by the words they contain; a nested key
 * that says nothing (`primary`, `avoid_for`) inherits its parent's bucket. Lists about
 * collaboration, delegation, success criteria or prerequisites describe the agent's
 * workflow, not the requests it should receive, and would only add noise.
 */
function bucketOf(key: string, inherited: Bucket): Bucket {
  if (/anti/.test(key)) return 'antiTriggers';
  if (/collaborat|delegat|success|requirement|file_pattern/.test(key)) return 'ignore';
  if (/explicit|keyword|automatic|auto_invoke|^triggers$/.test(key)) return 'triggers';
  if (/context/.test(key)) return 'contextTriggers';
  return inherited;
}

/** Strings found in lists at any depth. Scalars directly under a key are settings (`primary: intelligence_initialization`), not phrases. */
function collectPhrases(value: unknown, bucket: Bucket, out: Record<Bucket, string[]>): void {
  if (Array.isArray(value)) {
    for (const item of value) {
      if (typeof item === 'string') out[bucket].push(item);
      else collectPhrases(item, bucket, out);
    }
  } else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) collectPhrases(child, bucketOf(key, bucket), out);
  }
}

/** A capability item as one phrase: strings as written, `{name, description}` and `{name: description}` as `name: description`. */
function capabilityPhrase(item: unknown): string | undefined {
  if (typeof item === 'string') return item;
  if (item === null || typeof item !== 'object') return undefined;
  const record = item as Record<string, unknown>;
  if (typeof record.name === 'string') {
    return typeof record.description === 'string' ? `${record.name}: ${record.description}` : record.name;
  }
  const entries = Object.entries(record);
  if (entries.length === 1 && typeof entries[0][1] === 'string') return `${entries[0][0]}: ${entries[0][1]}`;
  return undefined;
}

/** `capabilities` is a list or a mapping of lists; deeper structures are implementation detail (tool lists, inputs/outputs). */
function capabilityPhrases(value: unknown): string[] {
  const lists = Array.isArray(value) ? [value] : value !== null && typeof value === 'object' ? Object.values(value) : [];
  return lists.filter(Array.isArray).flatMap((list) => list.map(capabilityPhrase).filter((p) => p !== undefined));
}

/** Every key and string value of the file, in order: the ONEX body (keys such as `database_query_optimization` are prose too). */
function allText(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const item of value) allText(item, out);
  else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      out.push(key.replaceAll('_', ' '));
      allText(child, out);
    }
  }
  return out;
}

/** `agent-` + file stem, unless the stem already starts with `agent-` (SPEC §1). */
export function onexName(file: string): string {
  const stem = path.basename(file, path.extname(file));
  return stem.startsWith('agent-') ? stem : `agent-${stem}`;
}

/** The purpose often says what the identity's description does not; both are routing text. */
function describe(description: string | null | undefined, purpose: string | null | undefined): string {
  const parts = [description, purpose].map((p) => cleanText(p ?? '')).filter((p) => p !== '');
  if (parts.length < 2 || parts[0].toLowerCase().includes(parts[1].toLowerCase())) return parts[0] ?? '';
  return `${parts[0]}${/[.!?]$/.test(parts[0]) ? '' : '.'} ${parts[1]}`;
}

export function readOnex(source: YamlSource): FormatResult {
  const document = source.doc.toJS();
  const parsed = OnexFile.safeParse(document);
  if (!parsed.success) return { entries: [], issues: schemaIssues(source, parsed.error) };
  const onex = parsed.data;
  const identity = onex.agent_identity;
  const name = onexName(source.file);

  const phrases: Record<Bucket, string[]> = { triggers: [], contextTriggers: [], antiTriggers: [], ignore: [] };
  collectPhrases(onex.activation_patterns, 'contextTriggers', phrases);
  collectPhrases(onex.activation_triggers, 'triggers', phrases);

  // The file name decides the routable name; a different declared name still addresses the agent.
  const declared = identity.name?.trim();
  const mismatch = declared && declared !== name;
  const issues = mismatch
    ? [issueAt(source, ['agent_identity', 'name'], `'${declared}' differs from the routable name '${name}' (from the file name); kept as an alias`, 'warning')]
    : [];

  const domainContext = typeof onex.domain_context === 'object' ? onex.domain_context?.primary : onex.domain_context;
  const agent = makeAgent({
    name,
    title: identity.title ?? identity.display_name,
    description: describe(identity.description, onex.purpose),
    triggers: phrases.triggers,
    contextTriggers: phrases.contextTriggers,
    antiTriggers: phrases.antiTriggers,
    capabilities: capabilityPhrases(onex.capabilities),
    // domain_context is the field the reference router compares with a request's domain.
    domain: domainContext ?? onex.domain,
    body: allText(document).join(' '),
    aliases: mismatch ? [declared] : [],
    definitionPath: source.file,
    sourceFormat: 'onex',
  });
  return { entries: [{ agent, line: lineOf(source, ['agent_identity']), descriptionLine: lineOf(source, ['agent_identity', 'description']) }], issues };
}
