import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type YAMLError } from 'yaml';
import type { ZodError } from 'zod';
import type { RegistryIssue } from './agent.ts';

/**
 * A parsed YAML (or JSON: JSON is YAML 1.2) text that can say on which line any field sits,
 * so that every reader reports `file:line`. Parsed once per file and shared by the readers.
 */
export interface YamlSource {
  readonly file: string;
  readonly doc: Document.Parsed;
  readonly lineCounter: LineCounter;
  /** Lines before the YAML text in its file (a Markdown frontmatter starts on line 2). */
  readonly lineOffset: number;
}

export type FieldPath = readonly (string | number)[];

/** `['agents', 3, 'triggers']` → `agents[3].triggers`. */
export function fieldName(path: FieldPath): string {
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? key : `.${key}`)).join('');
}

/** The parser's first line, without its `at line …` tail and code frame (the issue carries the line). */
function parserMessage(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}

/**
 * Parses without throwing. Syntax errors come back as issues; a text with errors yields no
 * source, because a half-parsed file must not produce agents. Keys may repeat: real agent
 * files do, and the last value wins as in every YAML loader the files were written for.
 */
export function parseYaml(
  file: string,
  text: string,
  lineOffset = 0,
): { source?: YamlSource; issues: RegistryIssue[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false });
  const located = (severity: RegistryIssue['severity']) => (e: YAMLError): RegistryIssue => ({
    file,
    line: (e.linePos?.[0].line ?? 0) + (e.linePos ? lineOffset : 0),
    message: `${severity === 'error' ? 'YAML syntax error' : 'YAML warning'}: ${parserMessage(e.message)}`,
    severity,
  });
  const issues: RegistryIssue[] = [...doc.errors.map(located('error')), ...doc.warnings.map(located('warning'))];
  if (doc.errors.length > 0) return { issues };
  return { source: { file, doc, lineCounter, lineOffset }, issues };
}

function nodeLine(source: YamlSource, node: Node | null | undefined): number | undefined {
  const offset = node?.range?.[0];
  return offset === undefined ? undefined : source.lineCounter.linePos(offset).line + source.lineOffset;
}

/**
 * The line of a field: its key's line for a mapping entry, its item's line in a list. A
 * field that is missing gets the line of its deepest present parent (`name` missing from
 * `agents[3]` points at the entry), so every issue has a line.
 */
export function lineOf(source: YamlSource, path: FieldPath): number {
  let node: unknown = source.doc.contents;
  let line = nodeLine(source, source.doc.contents) ?? 0;
  for (const key of path) {
    if (isMap(node)) {
      // findLast: with repeated keys the last one is the value that counts.
      const pair = node.items.findLast((p) => isScalar(p.key) && String(p.key.value) === String(key));
      if (!pair) break;
      line = nodeLine(source, pair.key as Node) ?? line;
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number' && key < node.items.length) {
      node = node.items[key];
      line = nodeLine(source, node as Node) ?? line;
    } else break;
  }
  return line;
}

/** One error issue per zod issue, located by `locate` (a YAML source, or the tolerant frontmatter reader). */
export function zodIssues(file: string, error: ZodError, locate: (path: FieldPath) => number): RegistryIssue[] {
  return error.issues.map((issue) => {
    const path = issue.path.filter((k): k is string | number => typeof k !== 'symbol');
    const field = path.length > 0 ? fieldName(path) : undefined;
    return { file, line: locate(path), ...(field && { field }), message: issue.message, severity: 'error' };
  });
}

/** Zod issues of a value read from this source, each at the line of the field it names. */
export function schemaIssues(source: YamlSource, error: ZodError): RegistryIssue[] {
  return zodIssues(source.file, error, (path) => lineOf(source, path));
}

/** An issue at a field of this source. */
export function issueAt(
  source: YamlSource,
  path: FieldPath,
  message: string,
  severity: RegistryIssue['severity'] = 'error',
): RegistryIssue {
  const field = path.length > 0 ? fieldName(path) : undefined;
  return { file: source.file, line: lineOf(source, path), ...(field && { field }), message, severity };
}
