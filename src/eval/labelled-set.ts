import { readFile } from 'node:fs/promises';
import type { Registry } from '../registry/agent.ts';
import { SwitchboardError } from '../errors.ts';

/** One labelled request: `expected` lists every acceptable agent; empty means no agent fits. */
export interface LabelledRequest {
  readonly id: string;
  readonly request: string;
  readonly expected: readonly string[];
  readonly kind: string;
}

interface GoldenCorpus {
  entries: { id: number | string; prompt: string; category?: string; expected: { selected_agent: string } }[];
}

function fromGoldenCorpus(corpus: GoldenCorpus): LabelledRequest[] {
  return corpus.entries.map((entry) => ({
    id: String(entry.id),
    request: entry.prompt,
    expected: entry.expected.selected_agent === '' ? [] : [entry.expected.selected_agent],
    kind: entry.category ?? 'golden',
  }));
}

function fromJsonLine(line: string, file: string, lineNumber: number): LabelledRequest {
  const fail = (message: string) => new SwitchboardError('USAGE', `${file}:${lineNumber}: ${message}`);
  let row: unknown;
  try {
    row = JSON.parse(line);
  } catch (error) {
    throw fail(`not JSON (${(error as Error).message})`);
  }
  const { id, request, expected, kind } = row as Record<string, unknown>;
  if (typeof request !== 'string') throw fail('request must be a string');
  if (!Array.isArray(expected) || !expected.every((name) => typeof name === 'string')) {
    throw fail('expected must be a list of agent names');
  }
  return { id: id === undefined ? String(lineNumber) : String(id), request, expected, kind: typeof kind === 'string' ? kind : 'unlabelled' };
}

function parseWhole(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined; // several lines: JSONL
  }
}

/** Reads a JSONL set, or the golden corpus JSON (`{"entries": […]}`) as a set. */
export async function readLabelledSet(file: string): Promise<LabelledRequest[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new SwitchboardError('USAGE', `cannot read set ${file}: ${(error as Error).message}`);
  }
  const whole = parseWhole(text) as Partial<GoldenCorpus> | undefined;
  if (whole !== undefined && Array.isArray(whole.entries)) return fromGoldenCorpus(whole as GoldenCorpus);
  const rows: LabelledRequest[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() !== '') rows.push(fromJsonLine(line, file, index + 1));
  });
  return rows;
}

/**
 * The expected agents of `rows` that `registry` has no agent of that name for, each with the
 * agent that has it as an alias, if one does: rows expecting them can never be right, which
 * usually means the set was written for another registry.
 */
export function unknownExpectedAgents(rows: readonly LabelledRequest[], registry: Registry): { name: string; aliasOf?: string }[] {
  const aliases = new Map(registry.agents.flatMap((agent) => agent.aliases.map((alias): [string, string] => [alias, agent.name])));
  const unknown = new Set(rows.flatMap((row) => row.expected).filter((name) => !registry.byName.has(name)));
  return [...unknown].map((name) => ({ name, ...(aliases.has(name) && { aliasOf: aliases.get(name) }) }));
}
