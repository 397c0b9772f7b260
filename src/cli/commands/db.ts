import { SwitchboardError } from '../../errors.ts';
import type { StoreStatus } from '../../store/migrations.ts';
import { openStore, storeLocation } from '../../store/open-store.ts';
import { parseCommand } from '../options.ts';

function printStatus(status: StoreStatus, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(status)}\n`);
    return;
  }
  process.stdout.write(`${status.backend} ${status.location}: schema version ${status.version} of ${status.latest_version}\n`);
  for (const migration of status.applied) process.stdout.write(`  applied  ${migration.version} ${migration.name} (${migration.applied_at})\n`);
  for (const migration of status.pending) process.stdout.write(`  pending  ${migration.version} ${migration.name}\n`);
}

/** `switchboard db migrate|status [--db URL] [--json]`; status exits 1 while migrations are pending. */
export async function runDb(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(args, { db: { type: 'string' }, json: { type: 'boolean' } });
  const [action, ...extra] = positionals;
  if ((action !== 'migrate' && action !== 'status') || extra.length > 0) {
    throw new SwitchboardError('USAGE', 'usage: switchboard db migrate|status [--db URL] [--json]');
  }
  const store = await openStore(storeLocation(values.db));
  try {
    const status = action === 'migrate' ? await store.migrate() : await store.status();
    printStatus(status, values.json ?? false);
    return status.pending.length === 0 ? 0 : 1;
  } finally {
    await store.close();
  }
}
