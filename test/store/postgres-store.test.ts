import { after } from 'node:test';
import { PostgresStore } from '../../src/store/postgres-store.ts';
import { postgresForTests } from './helpers.ts';
import { storeContract } from './store-contract.ts';

const database = await postgresForTests();
if ('skip' in database) process.stdout.write(`# skipping PostgreSQL store tests: ${database.skip}\n`);
else after(() => database.drop());

storeContract('postgres', async () => new PostgresStore('url' in database ? database.url : ''), 'skip' in database ? { skip: database.skip } : {});
