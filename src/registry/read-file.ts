import { isMap, isScalar } from 'yaml';
import { readCentralIndex } from './central-index.ts';
import { readClaudeMarkdown } from './claude-md.ts';
import { readNative } from './native.ts';
import type { FormatResult } from './normalise.ts';
import { readOnex } from './onex.ts';
import { parseYaml } from './yaml-source.ts';

/**
 * A YAML or JSON file by its top-level shape. One file can be two things at once:
 * `agent-registry.yaml` is an ONEX agent (`agent_identity`) and a central index (`agents:` map).
 */
function readYamlAgents(file: string, text: string): FormatResult | undefined {
  const { source, issues } = parseYaml(file, text);
  if (!source) return { entries: [], issues };
  const root = source.doc.contents;
  const keys = new Set(isMap(root) ? root.items.map((pair) => (isScalar(pair.key) ? String(pair.key.value) : '')) : []);
  const results: FormatResult[] = [];
  if (keys.has('agent_identity')) results.push(readOnex(source));
  if (keys.has('agents')) results.push(isMap(source.doc.get('agents')) ? readCentralIndex(source) : readNative(source));
  if (results.length === 0) return undefined;
  return { entries: results.flatMap((r) => r.entries), issues: [...issues, ...results.flatMap((r) => r.issues)] };
}

/**
 * The agents of one file, or `undefined` when the file is not an agent definition (Markdown
 * without frontmatter, JSON/YAML without `agents` or `agent_identity`): such files sit beside
 * agents in real folders (READMEs, plugin manifests) and are skipped, unless named explicitly.
 * A file with any error contributes no agent: it loads whole or not at all.
 */
export function readAgentFile(file: string, text: string, explicit: boolean): FormatResult | undefined {
  const result = /\.md$/i.test(file) ? readClaudeMarkdown(file, text) : readYamlAgents(file, text);
  if (result === undefined) {
    if (!explicit) return undefined;
    const expected = /\.md$/i.test(file)
      ? 'YAML frontmatter with `name` and `description`'
      : 'a top-level `agents:` list (native), `agents:` map (central index) or `agent_identity` (ONEX)';
    return { entries: [], issues: [{ file, line: 0, message: `not an agent file: expected ${expected}`, severity: 'error' }] };
  }
  const failed = result.issues.some((issue) => issue.severity === 'error');
  return failed ? { entries: [], issues: result.issues } : result;
}
