import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Agent, Registry, RegistryIssue } from './agent.ts';
import { mergeFiles, type LoadedFile } from './merge.ts';
import type { FormatResult } from './normalise.ts';
import { ParseCache, parseCacheFile } from './parse-cache.ts';
import { findFiles, type FoundFile } from './walk.ts';

/**
 * `registry_version`: a hash of what routing sees, in registry order. It leaves out where
 * files live (`definitionPath`), so instances that load the same definitions from different
 * folders agree on the version, and a touched but unchanged file keeps it.
 */
export function registryVersion(agents: readonly Agent[]): string {
  const content = agents.map(({ definitionPath: _, ...routed }) => routed);
  return createHash('sha256').update(JSON.stringify(content)).digest('hex').slice(0, 16);
}

/** `file:line: field: message`, as compilers print it, so editors and terminals can jump to it. */
export function formatIssue(issue: RegistryIssue): string {
  const location = issue.line > 0 ? `${issue.file}:${issue.line}` : issue.file;
  return `${location}: ${issue.field ? `${issue.field}: ` : ''}${issue.message}`;
}

export interface LoadOptions {
  /**
   * Keep what each file parsed to in a cache file (see parse-cache.ts), for short-lived
   * processes; `true` picks the default location for these paths.
   */
  readonly parseCache?: boolean | string;
}

/** The parsers (YAML, zod) load only when a file must really be parsed. */
let parsers: Promise<typeof import('./read-file.ts')> | undefined;

async function parseFile(found: FoundFile, issues: RegistryIssue[]): Promise<FormatResult | null> {
  let text: string;
  try {
    text = await readFile(found.path, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    issues.push({ file: found.path, line: 0, message: `cannot read: ${reason}`, severity: 'error' });
    return null;
  }
  const { readAgentFile } = await (parsers ??= import('./read-file.ts'));
  return readAgentFile(found.path, text, found.explicit) ?? null;
}

async function readWithCache(found: FoundFile, cache: ParseCache, issues: RegistryIssue[]): Promise<FormatResult | null> {
  const key = path.resolve(found.path);
  const info = await stat(found.path).catch(() => undefined);
  const cached = info && cache.get(key, info.size, info.mtimeMs);
  if (cached !== undefined) return cached === null ? null : { ...cached, entries: cached.entries.map(refreeze) };
  const unreadable = issues.length;
  const result = await parseFile(found, issues);
  if (info && issues.length === unreadable) cache.set(key, info.size, info.mtimeMs, result);
  return result;
}

/** Agents come back from JSON as plain objects; registries hold frozen ones. */
function refreeze(entry: FormatResult['entries'][number]): FormatResult['entries'][number] {
  const agent = entry.agent as unknown as Record<string, unknown>;
  for (const value of Object.values(agent)) if (Array.isArray(value)) Object.freeze(value);
  return { ...entry, agent: Object.freeze(entry.agent) };
}

/**
 * Loads agents from directories (walked recursively) and files, in any supported format
 * (SPEC §1). Never throws for bad input: unreadable paths and bad files become `issues`
 * (a file with an error contributes no agent), and the rest still loads.
 */
export async function loadRegistry(paths: readonly string[], options: LoadOptions = {}): Promise<Registry> {
  const found = await findFiles(paths);
  const issues: RegistryIssue[] = [...found.issues];
  const cacheFile = options.parseCache === true ? parseCacheFile(paths) : options.parseCache || undefined;
  const cache = cacheFile === undefined ? undefined : await ParseCache.open(cacheFile);
  const readIssues = found.files.map((): RegistryIssue[] => []);
  const results = await Promise.all(
    found.files.map((f, i) => (cache ? readWithCache(f, cache, readIssues[i]) : parseFile(f, readIssues[i]))),
  );
  const loaded: LoadedFile[] = [];
  found.files.forEach((f, i) => {
    issues.push(...readIssues[i]);
    const result = results[i];
    if (result === null) return;
    issues.push(...result.issues);
    loaded.push({ file: f.path, entries: result.entries });
  });
  // A cache that cannot be written only costs the next process its head start.
  await cache?.save().catch(() => undefined);
  const merged = mergeFiles(loaded);
  issues.push(...merged.issues);
  const agents = Object.freeze(merged.agents);
  return Object.freeze({
    agents,
    byName: new Map(agents.map((agent) => [agent.name, agent])),
    version: registryVersion(agents),
    issues: Object.freeze(issues),
    sources: Object.freeze([...paths]),
  });
}
