import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import type { Registry, RegistryIssue } from '../../src/registry/agent.ts';

/** The project's copies of the shared registries (never written to). */
export const FIXTURES = path.join(import.meta.dirname, '../../fixtures');
export const EVAL = path.join(import.meta.dirname, '../../eval');

/** A fresh folder under the OS temp dir, removed when the test ends. */
export async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-registry-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes `text` at `relative` under `dir` (creating folders) and returns its path. */
export async function put(dir: string, relative: string, text: string): Promise<string> {
  const file = path.join(dir, relative);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text);
  return file;
}

export function errors(registry: Registry): RegistryIssue[] {
  return registry.issues.filter((issue) => issue.severity === 'error');
}

export function warnings(registry: Registry): RegistryIssue[] {
  return registry.issues.filter((issue) => issue.severity === 'warning');
}
