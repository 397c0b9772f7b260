import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { RegistryIssue } from './agent.ts';

/** A file to read. `explicit`: named by the caller, so it must be an agent file. */
export interface FoundFile {
  readonly path: string;
  readonly explicit: boolean;
}

const AGENT_FILE = /\.(md|ya?ml|json)$/i;

/** Hidden folders hold tooling (`.git`, `.github`), except `.claude`, where Claude Code keeps subagents. */
function skipDirectory(name: string): boolean {
  return name === 'node_modules' || (name.startsWith('.') && name !== '.claude');
}

function unreadable(file: string, error: unknown): RegistryIssue {
  return { file, line: 0, message: `cannot read: ${error instanceof Error ? error.message : String(error)}`, severity: 'error' };
}

/** Candidate files under a directory, relative to it. Symlinked files are followed; symlinked folders are not (no cycles). */
async function walk(root: string, relative: string, out: string[], issues: RegistryIssue[]): Promise<void> {
  let entries;
  try {
    entries = await readdir(path.join(root, relative), { withFileTypes: true });
  } catch (error) {
    issues.push(unreadable(path.join(root, relative), error));
    return;
  }
  for (const entry of entries) {
    const child = path.join(relative, entry.name);
    if (entry.isDirectory()) {
      if (!skipDirectory(entry.name)) await walk(root, child, out, issues);
    } else if (!entry.name.startsWith('.') && AGENT_FILE.test(entry.name)) {
      const isFile = entry.isFile() || (entry.isSymbolicLink() && (await stat(path.join(root, child)).then((s) => s.isFile(), () => false)));
      if (isFile) out.push(child);
    }
  }
}

/**
 * Every candidate file, in registry order: the given paths in the order given, the files of
 * each directory sorted by path (plain code-unit order, the same on every machine). A file
 * reached twice is read once.
 */
export async function findFiles(paths: readonly string[]): Promise<{ files: FoundFile[]; issues: RegistryIssue[] }> {
  const files: FoundFile[] = [];
  const issues: RegistryIssue[] = [];
  const seen = new Set<string>();
  const add = (file: string, explicit: boolean) => {
    const key = path.resolve(file);
    if (seen.has(key)) return;
    seen.add(key);
    files.push({ path: file, explicit });
  };
  for (const given of paths) {
    let info;
    try {
      info = await stat(given);
    } catch (error) {
      issues.push(unreadable(given, error));
      continue;
    }
    if (info.isDirectory()) {
      const found: string[] = [];
      await walk(given, '', found, issues);
      for (const relative of found.sort()) add(path.join(given, relative), false);
    } else {
      add(given, true);
    }
  }
  return { files, issues };
}
