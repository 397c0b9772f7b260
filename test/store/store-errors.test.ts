import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isPostgresUnavailable } from '../../src/store/store-errors.ts';

const failure = (code: string, message = 'failed') => Object.assign(new Error(message), { code });

test('PostgreSQL errors that mean "not now" are outages (the rows wait in the spool); row errors are not', () => {
  const outages = {
    'connection failure': '08006',
    'too many connections': '53300',
    'admin shutdown': '57P01',
    'database dropped': '57P04',
    'no such database': '3D000',
    'password authentication failed': '28P01',
    'database not accepting connections': '55000',
    'read-only transaction (a standby after failover)': '25006',
    'serialisation failure': '40001',
    'deadlock': '40P01',
    'connection refused': 'ECONNREFUSED',
  };
  for (const [what, code] of Object.entries(outages)) assert.equal(isPostgresUnavailable(failure(code)), true, what);
  const rowErrors = { 'unique violation': '23505', 'value too long': '22001', 'invalid json': '22P02', 'check violation': '23514' };
  for (const [what, code] of Object.entries(rowErrors)) assert.equal(isPostgresUnavailable(failure(code)), false, what);
  assert.equal(isPostgresUnavailable(new Error('Connection terminated unexpectedly')), true, 'a dropped socket, by message');
});
