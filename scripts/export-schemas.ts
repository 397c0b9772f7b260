/**
 * Writes the event contract's JSON Schema files to schemas/ (npm run schemas:export).
 * Run it after changing src/contracts/events.ts or src/contracts/routing-schemas.ts; a test
 * fails while the committed files differ from what this writes.
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { eventJsonSchemaFiles } from '../src/contracts/json-schemas.ts';

const dir = fileURLToPath(new URL('../schemas/', import.meta.url));
const files = eventJsonSchemaFiles();
await mkdir(dir, { recursive: true });
// Files of event types that no longer exist would mislead foreign producers.
for (const name of await readdir(dir)) {
  if (name.endsWith('.json') && !files.has(name)) await rm(`${dir}${name}`);
}
for (const [name, text] of files) await writeFile(`${dir}${name}`, text);
console.log(`wrote ${files.size} schema files to schemas/`);
