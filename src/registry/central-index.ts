import { z } from 'zod';
import { makeAgent, type FormatResult } from './normalise.ts';
import { AgentName, OptionalText, OptionalStringList } from './schema.ts';
import { lineOf, schemaIssues, type YamlSource } from './yaml-source.ts';

/**
 * The central index (`agent-registry.yaml`, SPEC §1): an `agents:` map of short names. This
 * is the registry view of the reference router, so its agents are named by their keys.
 */
const IndexEntry = z.object(
  {
    name: OptionalText,
    title: OptionalText,
    description: OptionalText,
    activation_triggers: OptionalStringList,
    capabilities: OptionalStringList,
    domain_context: OptionalText,
    definition_path: OptionalText,
  },
  { error: 'expected a mapping of agent fields' },
);

const IndexFile = z.object({ agents: z.record(AgentName, IndexEntry) });

export function readCentralIndex(source: YamlSource): FormatResult {
  const parsed = IndexFile.safeParse(source.doc.toJS());
  if (!parsed.success) return { entries: [], issues: schemaIssues(source, parsed.error) };
  const entries = Object.entries(parsed.data.agents).map(([key, entry]) => ({
    line: lineOf(source, ['agents', key]),
    descriptionLine: lineOf(source, ['agents', key, 'description']),
    describes: [entry.name?.trim() ?? '', `agent-${key}`].filter((name) => name !== ''),
    agent: makeAgent({
      name: key,
      title: entry.title,
      description: entry.description,
      triggers: entry.activation_triggers,
      capabilities: entry.capabilities,
      domain: entry.domain_context,
      // The declared path is what the reference router reports; variables are kept as written.
      definitionPath: entry.definition_path ?? source.file,
      sourceFormat: 'central_index',
    }),
  }));
  return { entries, issues: [] };
}
