import path from 'node:path';
import { SwitchboardError } from '../errors.ts';
import type { DecisionStore } from './decision-store.ts';

export type StoreLocation = { readonly backend: 'postgres'; readonly url: string } | { readonly backend: 'sqlite'; readonly file: string };

/** The data folder of the embedded store and the writer's spool. */
export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.SWITCHBOARD_DATA_DIR || '.switchboard';
}

/**
 * Which store: `--db` (a postgres:// URL, or a SQLite file path), else `DATABASE_URL`,
 * else the embedded SQLite file `decisions.db` in the data folder.
 */
export function storeLocation(db: string | undefined, env: NodeJS.ProcessEnv = process.env): StoreLocation {
  const chosen = db || env.DATABASE_URL;
  if (chosen === undefined || chosen === '') return { backend: 'sqlite', file: path.join(dataDir(env), 'decisions.db') };
  if (/^postgres(ql)?:\/\//i.test(chosen)) return { backend: 'postgres', url: chosen };
  return { backend: 'sqlite', file: chosen.replace(/^sqlite:/i, '') };
}

/** Opens a store; each backend's module is loaded only when used, so SQLite users never load `pg`. */
export async function openStore(location: StoreLocation): Promise<DecisionStore> {
  if (location.backend === 'postgres') {
    const { PostgresStore } = await import('./postgres-store.ts');
    return new PostgresStore(location.url);
  }
  const { SqliteStore } = await import('./sqlite-store.ts');
  return new SqliteStore(location.file);
}

/**
 * A store whose schema is current, for commands that read it: the embedded file is ours to
 * migrate; a PostgreSQL database behind on migrations is an operator's call (`db migrate`).
 * Says once, on stderr, which store it is when none was configured.
 */
export async function openReadyStore(db: string | undefined): Promise<DecisionStore> {
  const location = storeLocation(db);
  if (location.backend === 'sqlite' && !db && !process.env.DATABASE_URL) {
    process.stderr.write(`switchboard: no --db or DATABASE_URL: using the embedded SQLite store ${location.file}\n`);
  }
  const store = await openStore(location);
  try {
    const status = await store.status();
    if (status.pending.length === 0) return store;
    if (store.backend === 'sqlite') {
      await store.migrate();
      return store;
    }
    throw new SwitchboardError('SERVICE_UNAVAILABLE', `${store.location} is at schema version ${status.version}, ${status.latest_version} needed: run 'switchboard db migrate'`);
  } catch (error) {
    await store.close();
    throw error;
  }
}
