/**
 * Replay from the decision history, on each store: a service records its decisions over
 * HTTP; replaying them over the same registry reproduces every one, and over an edited
 * registry lists exactly the decisions the edit changed.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openRouter } from '../../src/open-router.ts';
import { replay, type Recording, type ReplayRow } from '../../src/ops/replay.ts';
import { storeRecordings } from '../../src/ops/store-recordings.ts';
import { startService } from '../../src/service/serve.ts';
import type { DecisionStore } from '../../src/store/decision-store.ts';
import { PostgresStore } from '../../src/store/postgres-store.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import { REGISTRY, silent } from '../service/helpers.ts';
import { decision, postgresForTests, tempFolder } from '../store/helpers.ts';
import { REMOVED, REQUESTS, registryWithoutCommit } from './helpers.ts';

const folder = await tempFolder();
after(() => folder.remove());
const database = await postgresForTests();
if ('url' in database) after(() => database.drop());

async function collect(recordings: AsyncIterable<Recording>): Promise<Recording[]> {
  const all: Recording[] = [];
  for await (const recording of recordings) all.push(recording);
  return all;
}

function replayFromStore(name: string, backend: { db: string; open: () => DecisionStore } | { skip: string }): void {
  describe(`replay from the ${name} history`, { skip: 'skip' in backend ? backend.skip : undefined }, () => {
    if ('skip' in backend) return;
    const started = new Date();
    const selected = new Map<string, string | null>();
    let store: DecisionStore;

    before(async () => {
      const running = await startService({
        logger: silent, registry: [REGISTRY], strategy: 'lexical', httpPort: 0,
        history: { db: backend.db, spoolDir: path.join(folder.dir, `${name}-spool`) },
      });
      try {
        for (const request of REQUESTS) {
          const correlationId = randomUUID();
          const response = await fetch(`${running.url}/route`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-correlation-id': correlationId },
            body: JSON.stringify({ user_request: request }),
          });
          assert.equal(response.status, 200);
          selected.set(correlationId, ((await response.json()) as { selected_agent: string | null }).selected_agent);
        }
      } finally {
        await running.stop(); // writes every decision made
      }
      store = backend.open();
    });
    after(() => store?.close());

    test('over the same registry every decision is reproduced, each with the strategy it was decided with', async () => {
      const recordings = await collect(storeRecordings(store, started));
      // In decision order; requests decided within the same millisecond may swap.
      assert.deepEqual(new Map(recordings.map((r) => [r.correlation_id, r.original.agent])), selected);
      // The router's own default differs: replay keeps each request's recorded strategy.
      const { router } = await openRouter([REGISTRY], { defaultStrategy: 'enhanced_fuzzy_matching', cache: false });
      const rows: ReplayRow[] = [];
      const report = await replay(recordings, router, { onRow: (row) => void rows.push(row) });
      assert.deepEqual(report, { replayed: REQUESTS.length, changed: 0, by_agent: [], changes: [] });
      assert.deepEqual(new Set(rows.map((row) => row.strategy)), new Set(['lexical']));
    });

    test('after an agent is removed, exactly the requests it served are listed as changed', async () => {
      const { router } = await openRouter([await registryWithoutCommit(folder.dir)], { cache: false, model: false });
      const report = await replay(storeRecordings(store, started), router);
      const served = [...selected].filter(([, agent]) => agent === REMOVED).map(([id]) => id);
      assert.equal(served.length, 2);
      assert.equal(report.changed, 2);
      assert.deepEqual(new Set(report.changes.map((row) => row.correlation_id)), new Set(served));
      assert.deepEqual(report.by_agent, [{ from: REMOVED, to: null, n: 2 }]);
    });

    test('--strategy replays every request with it', async () => {
      const { router } = await openRouter([REGISTRY], { defaultStrategy: 'lexical', cache: false });
      const rows: ReplayRow[] = [];
      await replay(storeRecordings(store, started), router, { strategy: 'enhanced_fuzzy_matching', onRow: (row) => void rows.push(row) });
      assert.equal(rows.length, REQUESTS.length);
      assert.deepEqual(new Set(rows.map((row) => row.strategy)), new Set(['enhanced_fuzzy_matching']));
    });

    test('the history is read page by page, in decision order, up to the time reading starts', async () => {
      const since = new Date('2020-01-01T00:00:00.000Z');
      const old = Array.from({ length: 1_234 }, (_, i) => decision({ decided_at: new Date(since.getTime() + i).toISOString() }));
      const future = decision({ decided_at: new Date(Date.now() + 3_600_000).toISOString() });
      await store.writeDecisions([...old].reverse().concat(future));
      const ids = (await collect(storeRecordings(store, since))).map((r) => r.correlation_id);
      assert.deepEqual(ids.slice(0, old.length), old.map((d) => d.correlation_id));
      assert.deepEqual(new Set(ids.slice(old.length)), new Set(selected.keys()));
      assert.equal(ids.length, old.length + selected.size);
    });
  });
}

replayFromStore('sqlite', { db: path.join(folder.dir, 'decisions.db'), open: () => new SqliteStore(path.join(folder.dir, 'decisions.db')) });
replayFromStore('postgres', 'url' in database ? { db: database.url, open: () => new PostgresStore(database.url) } : database);
