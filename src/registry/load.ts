import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Agent, Registry, RegistryIssue } from './agent.ts';
import { mergeFiles, type LoadedFile } from './merge.ts';
import { readAgentFile } from './read-file.ts';
import { findFiles } from './walk.ts';

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

/**
 * Loads agents from directories (walked recursively) and files, in any supported format
 * (SPEC §1). Never throws for bad input: unreadable paths and bad files become `issues`
 * (a file with an error contributes no agent), and the rest still loads.
 */
export async function loadRegistry(paths: readonly string[]): Promise<Registry> {
  const found = await findFiles(paths);
  const issues: RegistryIssue[] = [...found.issues];
  const texts = await Promise.all(
    found.files.map((f) => readFile(f.path, 'utf8').then((text) => ({ text }), (error: unknown) => ({ error }))),
  );
  const loaded: LoadedFile[] = [];
  found.files.forEach((f, i) => {
    const read = texts[i];
    if ('error' in read) {
      const reason = read.error instanceof Error ? read.error.message : String(read.error);
      issues.push({ file: f.path, line: 0, message: `cannot read: ${reason}`, severity: 'error' });
      return;
    }
    const result = readAgentFile(f.path, read.text, f.explicit);
    if (result === undefined) return;
    issues.push(...result.issues);
    loaded.push({ file: f.path, entries: result.entries });
  });
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
