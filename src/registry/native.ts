import { z } from 'zod';
import { makeAgent, type FormatResult } from './normalise.ts';
import { AgentName, OptionalFlag, OptionalText, OptionalStringList } from './schema.ts';
import { lineOf, schemaIssues, type YamlSource } from './yaml-source.ts';

/**
 * Switchboard's own format (SPEC §1): a top-level `agents:` list, in YAML or JSON. Unknown
 * keys are ignored, so files written for a later version still load.
 */
const NativeAgent = z.object(
  {
    name: AgentName,
    title: OptionalText,
    description: OptionalText,
    triggers: OptionalStringList,
    context_triggers: OptionalStringList,
    anti_triggers: OptionalStringList,
    capabilities: OptionalStringList,
    domain: OptionalText,
    examples: OptionalStringList,
    explicit_only: OptionalFlag,
  },
  { error: 'expected a mapping of agent fields' },
);

const NativeFile = z.object({ agents: z.array(NativeAgent, { error: 'expected a list of agents' }) });

/** All agents of the file, or none when any entry is invalid: a file loads whole or not at all. */
export function readNative(source: YamlSource): FormatResult {
  const parsed = NativeFile.safeParse(source.doc.toJS());
  if (!parsed.success) return { entries: [], issues: schemaIssues(source, parsed.error) };
  const entries = parsed.data.agents.map((entry, i) => ({
    line: lineOf(source, ['agents', i]),
    descriptionLine: lineOf(source, ['agents', i, 'description']),
    agent: makeAgent({
      name: entry.name,
      title: entry.title,
      description: entry.description,
      triggers: entry.triggers,
      contextTriggers: entry.context_triggers,
      antiTriggers: entry.anti_triggers,
      capabilities: entry.capabilities,
      domain: entry.domain,
      examples: entry.examples,
      explicitOnly: entry.explicit_only,
      definitionPath: source.file,
      sourceFormat: 'native',
    }),
  }));
  return { entries, issues: [] };
}
