import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { REGISTRY } from '../service/helpers.ts';

/** Requests over the small registry: two go to `commit`, one fits no agent, the rest each to another agent. */
export const REQUESTS = [
  'write a semantic commit message for the staged changes',
  'commit these changes with a good message',
  'debug the failing tests',
  'design a REST API for the orders service',
  'review this pull request',
  'set up monitoring for production',
  'summarize this long document',
  'build a react dashboard component',
  'audit the code for security vulnerabilities',
  'what is the weather tomorrow',
  'create a jira ticket for this bug',
  'set up a new repository with CI',
];

/** The agent the edited registry no longer has. */
export const REMOVED = 'commit';

/** A copy of the registry without the `commit` agent, in `dir`. */
export async function registryWithoutCommit(dir: string): Promise<string> {
  // The central index repeats a top-level key, as real files do.
  const document = parseDocument(await readFile(REGISTRY, 'utf8'), { uniqueKeys: false });
  document.deleteIn(['agents', REMOVED]);
  const file = path.join(dir, 'agent-registry.yaml');
  await writeFile(file, document.toString());
  return file;
}
