import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROUTING_SOURCES = fileURLToPath(new URL('../routing/', import.meta.url));

let fingerprint: string | undefined;

/**
 * A hash of the code that decides what a routing index holds: every source file under
 * src/routing, the stemmer, and the Node version (its Unicode tables shape the tokeniser's
 * regular expressions). An index snapshot is only read back by the code that wrote it, so
 * retuning a weight can never leave a stale index in use, and no version number has to be
 * remembered. Computed once per process (about a millisecond).
 */
export function routingCodeFingerprint(): string {
  if (fingerprint !== undefined) return fingerprint;
  const hash = createHash('sha256').update(process.version);
  const sources = readdirSync(ROUTING_SOURCES, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .sort();
  for (const file of sources) hash.update(`\0${file}\0`).update(readFileSync(path.join(ROUTING_SOURCES, file)));
  hash.update('\0stemmer\0').update(readFileSync(fileURLToPath(import.meta.resolve('stemmer'))));
  fingerprint = hash.digest('hex').slice(0, 16);
  return fingerprint;
}
