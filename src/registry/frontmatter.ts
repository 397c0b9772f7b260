import type { RegistryIssue } from './agent.ts';
import { lineOf, parseYaml, type FieldPath } from './yaml-source.ts';

/** The YAML block between `---` lines at the top of a Markdown file. */
export interface Frontmatter {
  readonly data: Readonly<Record<string, unknown>>;
  /** The file line of a field. */
  readonly lineOf: (path: FieldPath) => number;
  /** Warnings: the block was not valid YAML and was read line by line. */
  readonly issues: readonly RegistryIssue[];
}

const BLOCK = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

/** The block starts on the file's second line, after the opening `---`. */
const LINE_OFFSET = 1;

function unquote(value: string): string {
  if (/^".*"$/.test(value)) {
    try {
      return JSON.parse(value) as string;
    } catch {
      return value.slice(1, -1);
    }
  }
  if (/^'.*'$/.test(value)) return value.slice(1, -1).replace(/''/g, "'");
  return value;
}

/**
 * Tolerant reading of `key: value` lines, for frontmatter that strict YAML rejects but every
 * human (and Claude Code) reads as intended, such as an unquoted `Triggers on: 'GDPR'` inside
 * a description. A value runs to the end of its line; indented lines continue it (wrapped
 * and folded text); a top-level line that is not `key: value` is ignored.
 */
function readKeyValueLines(block: string): { data: Record<string, string>; lines: Map<string, number> } {
  const data: Record<string, string> = {};
  const lines = new Map<string, number>();
  let key: string | undefined;
  block.split(/\r?\n/).forEach((line, i) => {
    const entry = /^([A-Za-z_][\w-]*):(?:[ \t]+(.*))?$/.exec(line);
    if (entry) {
      key = entry[1];
      data[key] = entry[2] ?? '';
      lines.set(key, i + 1 + LINE_OFFSET);
    } else if (key !== undefined && /^\s/.test(line)) {
      data[key] += ` ${line.trim()}`;
    }
  });
  for (const [k, value] of Object.entries(data)) data[k] = unquote(value.trim().replace(/^[>|][-+]?(\s|$)/, '').trim());
  return { data, lines };
}

/** `undefined` when the text has no frontmatter: such Markdown is documentation, not an agent. */
export function readFrontmatter(file: string, text: string): Frontmatter | undefined {
  const block = BLOCK.exec(text)?.[1];
  if (block === undefined) return undefined;
  const { source, issues } = parseYaml(file, block, LINE_OFFSET);
  if (source) {
    const data = source.doc.toJS() as unknown;
    const isRecord = data !== null && typeof data === 'object' && !Array.isArray(data);
    return { data: isRecord ? (data as Record<string, unknown>) : {}, lineOf: (path) => lineOf(source, path), issues };
  }
  const tolerant = readKeyValueLines(block);
  const [first] = issues;
  const warning: RegistryIssue = {
    ...first,
    message: `frontmatter is not valid YAML (${first.message.replace(/^YAML syntax error: /, '')}); read as plain \`key: value\` lines`,
    severity: 'warning',
  };
  return {
    data: tolerant.data,
    lineOf: ([key]) => tolerant.lines.get(String(key)) ?? 1 + LINE_OFFSET,
    issues: [warning],
  };
}
