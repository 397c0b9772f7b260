import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';

export const ROOT = path.join(import.meta.dirname, '../..');
export const BIN = path.join(ROOT, 'bin/switchboard');
export const OMNICLAUDE = 'fixtures/omniclaude-agents';
export const OMNICLAUDE_INDEX = 'fixtures/omniclaude-agents/agent-registry.yaml';

export interface CliRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `bin/switchboard` as a user would, from the repo root unless `cwd` is given. The
 * environment is the test's minus SWITCHBOARD_REGISTRY, so that only the flags choose the
 * registry (pass `env` to set it).
 */
export function cli(args: readonly string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliRun> {
  // Parse caches go to a test folder, never the user's ~/.cache.
  const env: NodeJS.ProcessEnv = { ...process.env, SWITCHBOARD_CACHE_DIR: path.join(os.tmpdir(), 'switchboard-test-cache'), ...options.env };
  if (options.env?.SWITCHBOARD_REGISTRY === undefined) delete env.SWITCHBOARD_REGISTRY;
  return new Promise((resolve, reject) => {
    execFile(BIN, args, { cwd: options.cwd ?? ROOT, env, maxBuffer: 64 * 2 ** 20, timeout: 120_000 }, (error, stdout, stderr) => {
      if (error !== null && typeof error.code !== 'number') reject(error);
      else resolve({ status: error === null ? 0 : (error.code as number), stdout, stderr });
    });
  });
}

/** A failing CLI run shows the message a user can act on, never a stack trace. */
export function hasStackTrace(text: string): boolean {
  return /^\s+at .+(:\d+:\d+\)?|\(node:)/m.test(text);
}

/** A fresh folder under the OS temp dir, removed when the test ends. */
export async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-cli-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Spawns to run at once: more than the CPUs only slows every one of them down. */
export const CONCURRENCY = Math.max(2, os.availableParallelism());
