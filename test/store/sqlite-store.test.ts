import path from 'node:path';
import { after } from 'node:test';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import { tempFolder } from './helpers.ts';
import { storeContract } from './store-contract.ts';

const folder = await tempFolder();
after(() => folder.remove());

storeContract('sqlite', async () => new SqliteStore(path.join(folder.dir, 'nested', 'decisions.db')));
