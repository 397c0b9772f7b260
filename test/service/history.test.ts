import path from 'node:path';
import { after } from 'node:test';
import { PostgresStore } from '../../src/store/postgres-store.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import { postgresForTests, tempFolder } from '../store/helpers.ts';
import { historyContract } from './history-contract.ts';

const folder = await tempFolder();
after(() => folder.remove());
const database = await postgresForTests();
if ('url' in database) after(() => database.drop());

historyContract('sqlite', async () => {
  const file = path.join(folder.dir, 'sqlite', 'decisions.db');
  return { db: file, dir: path.join(folder.dir, 'sqlite'), open: async () => new SqliteStore(file) };
});

historyContract('postgres', async () =>
  'skip' in database ? database : { db: database.url, dir: path.join(folder.dir, 'postgres'), open: async () => new PostgresStore(database.url) },
);
