/**
 * Issue 7's outage: the service keeps routing at full speed while PostgreSQL is unreachable
 * for 30 s (a TCP proxy in front of the shared server is closed, never the server), and
 * every decision is in the database afterwards, once. Then the same with the service
 * SIGKILLed during the outage: the restarted service replays the dead one's spool before
 * anything new.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { spawnService } from '../client/kafka-helpers.ts';
import { percentiles } from '../client/kafka-helpers.ts';
import { postgresForTests, tempFolder } from '../store/helpers.ts';
import { TcpProxy } from '../store/tcp-proxy.ts';
import { eventually } from './history-contract.ts';
import { COMMIT, REGISTRY } from './helpers.ts';

const database = await postgresForTests();
const OUTAGE_MS = 30_000;

/** Sends requests one after another for `ms`, each under a new correlation id; returns the ids and latencies. */
async function load(url: string, ms: number): Promise<{ ids: string[]; latencies: number[] }> {
  const ids: string[] = [];
  const latencies: number[] = [];
  const until = Date.now() + ms;
  for (let i = 0; Date.now() < until; i++) {
    const id = randomUUID();
    const started = performance.now();
    const response = await fetch(`${url}/route`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-correlation-id': id },
      body: JSON.stringify({ user_request: `${COMMIT} #${i}` }),
    });
    assert.equal(response.status, 200, await response.text());
    latencies.push(performance.now() - started);
    ids.push(id);
    // About 100 requests a second: a steady load, not a saturation test.
    await sleep(10);
  }
  return { ids, latencies };
}

describe('decision history through a PostgreSQL outage', { skip: 'skip' in database ? database.skip : undefined, timeout: 180_000 }, () => {
  const url = 'url' in database ? database.url : '';
  const target = new URL(url || 'postgres://127.0.0.1:5432');
  const proxy = new TcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
  const viaProxy = () => {
    const proxied = new URL(url);
    proxied.port = String(proxy.port);
    return proxied.toString();
  };
  let direct: pg.Pool;
  let folder: Awaited<ReturnType<typeof tempFolder>>;

  before(async () => {
    folder = await tempFolder();
    direct = new pg.Pool({ connectionString: url });
    await proxy.open();
  });
  after(async () => {
    await proxy.close();
    await direct?.end();
    await folder?.remove();
    if ('drop' in database) await database.drop();
  });

  /** How many decision rows each correlation id has. */
  async function rowsPer(ids: readonly string[]): Promise<Map<string, number>> {
    const { rows } = await direct.query<{ correlation_id: string; n: string }>(
      'select correlation_id::text, count(*) as n from decisions where correlation_id = any($1::uuid[]) group by correlation_id',
      [ids],
    );
    return new Map(rows.map((row) => [row.correlation_id, Number(row.n)]));
  }

  async function allOnce(ids: readonly string[]): Promise<void> {
    const counts = await eventually(async () => {
      const found = await rowsPer(ids);
      return found.size === ids.length ? found : undefined;
    });
    assert.ok([...counts.values()].every((n) => n === 1), 'no decision written twice');
  }

  test('routing is unaffected by a 30 s outage and every decision lands once afterwards', async (t) => {
    const service = await spawnService(t, ['--registry', REGISTRY, '--strategy', 'lexical', '--db', viaProxy()], {
      SWITCHBOARD_DATA_DIR: path.join(folder.dir, 'outage'),
    });
    const before = await load(service.url, 3_000);
    await proxy.close();
    const during = await load(service.url, OUTAGE_MS);
    const health = await (await fetch(`${service.url}/health`)).json() as { db: { state: string; spool_bytes: number } };
    assert.equal(health.db.state, 'spooling');
    assert.ok(health.db.spool_bytes > 0);
    await proxy.open();
    const afterwards = await load(service.url, 3_000);
    const ids = [...before.ids, ...during.ids, ...afterwards.ids];
    await allOnce(ids);
    const [quiet, outage] = [percentiles(before.latencies), percentiles(during.latencies)];
    t.diagnostic(`${ids.length} decisions; latency before p50 ${quiet.p50} ms p99 ${quiet.p99} ms, during the outage p50 ${outage.p50} ms p99 ${outage.p99} ms`);
    // Routing never waits for the database: no request waited for a connection attempt (1 s and more).
    assert.ok(outage.max < 1_000, `slowest request during the outage: ${outage.max} ms`);
    service.child.kill('SIGTERM');
    await service.exited;
  });

  test('SIGKILLed during the outage, the restarted service replays the spool before new decisions', async (t) => {
    const dataDir = path.join(folder.dir, 'killed');
    const args = ['--registry', REGISTRY, '--strategy', 'lexical', '--db', viaProxy()];
    await proxy.close();
    const first = await spawnService(t, args, { SWITCHBOARD_DATA_DIR: dataDir });
    const spooled = await load(first.url, 2_000);
    // Every decision made is on disk: the queue has drained to the spool.
    await eventually(async () => {
      const { db } = (await (await fetch(`${first.url}/health`)).json()) as { db: { queue_depth: number; spool_bytes: number } };
      return db.queue_depth === 0 && db.spool_bytes > 0 ? true : undefined;
    });
    first.child.kill('SIGKILL');
    await first.exited;
    await proxy.open();
    const second = await spawnService(t, args, { SWITCHBOARD_DATA_DIR: dataDir });
    const fresh = await load(second.url, 1_000);
    await allOnce([...spooled.ids, ...fresh.ids]);
    // Transaction ids order the writes: every spooled decision was written before any new one.
    const { rows } = await direct.query<{ spooled: boolean; xid: string }>(
      `select correlation_id = any($1::uuid[]) as spooled, xmin::text as xid from decisions where correlation_id = any($2::uuid[])`,
      [spooled.ids, [...spooled.ids, ...fresh.ids]],
    );
    const lastSpooled = Math.max(...rows.filter((row) => row.spooled).map((row) => Number(row.xid)));
    const firstFresh = Math.min(...rows.filter((row) => !row.spooled).map((row) => Number(row.xid)));
    assert.ok(lastSpooled <= firstFresh, `spooled written up to xid ${lastSpooled}, new from ${firstFresh}`);
    second.child.kill('SIGTERM');
    await second.exited;
  });
});
