/**
 * Hot reload under load, on the whole service in-process (HTTP, in-process bus, the file
 * watcher): while requests keep coming, a registry file gains an agent, breaks, and is fixed
 * (losing another agent). No request fails, /health shows each step, and no answer ever comes
 * from the broken version.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { RoutingResult } from '../../src/contracts/routing.ts';
import { loadRegistry } from '../../src/registry/load.ts';
import type { HealthReport } from '../../src/service/health.ts';
import type { ReloadStatus } from '../../src/service/registry-reloader.ts';
import { startService } from '../../src/service/serve.ts';
import { sample, silent } from './helpers.ts';

const CORE = `agents:
  - name: alpha
    description: Deploys services to kubernetes clusters
    triggers: [kubernetes, deploy]
`;
const GAMMA = `  - name: gamma
    description: Writes poetry and verse
    triggers: [poem, poetry]
`;
const DELTA = `  - name: delta
    description: Calibrates telescopes
    triggers: [telescope]
`;
/** The same file with a required field missing: an agent without a name. */
const BROKEN = `agents:\n${GAMMA}${DELTA}  - description: an agent without a name\n    triggers: [nameless]\n`;

/** Each probe names an agent explicitly: it is selected exactly when the answering registry has it. */
const PROBES = [
  { agent: 'gamma', user_request: '@gamma write a poem about the sea' },
  { agent: 'delta', user_request: '@delta calibrate the telescope' },
  { agent: 'alpha', user_request: 'deploy this service to kubernetes' },
] as const;

interface Answer {
  readonly worker: number;
  readonly probe: (typeof PROBES)[number];
  readonly version: string;
  readonly selected: string | null;
}

type Health = HealthReport & { reload: ReloadStatus };

test('hot reload under load: zero failed requests, each step on /health, and the broken version never serves', { timeout: 60_000 }, async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-hot-reload-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const team = path.join(dir, 'team.yaml');
  await writeFile(path.join(dir, 'core.yaml'), CORE);
  await writeFile(team, `agents:\n${GAMMA}`);
  const running = await startService({ logger: silent, registry: [dir], strategy: 'lexical', httpPort: 0, history: false, topicPrefix: 'hot-reload-test' });
  let loading = true;
  let workers: Promise<void>[] = [];
  t.after(async () => {
    loading = false;
    await Promise.all(workers);
    await running.stop();
  });

  const health = async () => (await (await fetch(new URL('/health', running.url))).json()) as Health;
  async function until(what: string, done: (report: Health) => boolean): Promise<Health> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const report = await health();
      if (done(report)) return report;
      if (Date.now() > deadline) assert.fail(`not ${what} within 10 s: ${JSON.stringify(report.reload)}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
  const underLoad = () => new Promise((resolve) => setTimeout(resolve, 400));

  const answers: Answer[] = [];
  const failures: string[] = [];
  workers = [0, 1, 2, 3].map(async (worker) => {
    for (let i = worker; loading; i++) {
      const probe = PROBES[i % PROBES.length];
      try {
        const response = await fetch(new URL('/route', running.url), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ user_request: probe.user_request }),
        });
        if (response.status !== 200) failures.push(`${response.status} ${await response.text()}`);
        else {
          const result = (await response.json()) as RoutingResult;
          answers.push({ worker, probe, version: result.routing_metadata.registry_version, selected: result.selected_agent });
        }
      } catch (error) {
        failures.push(String(error));
      }
    }
  });

  const started = (await health()).registry_version;
  await underLoad();

  await writeFile(team, `agents:\n${GAMMA}${DELTA}`);
  const added = await until('reloaded with delta', (report) => report.registry_version !== started);
  assert.equal(added.agents, 3);
  assert.equal(added.reload.state, 'ok');
  const withDelta = added.registry_version;
  await underLoad();

  await writeFile(team, BROKEN);
  const rejected = await until('rejected', (report) => report.reload.state === 'rejected');
  assert.equal(rejected.registry_version, withDelta, 'the last good registry keeps serving');
  assert.equal(rejected.status, 'ok');
  assert.deepEqual(rejected.reload.errors, [`${team}:8: agents[2].name: is required`]);
  // What the service would serve if it skipped the bad file, as a start does: gamma and delta gone.
  const brokenVersion = (await loadRegistry([dir])).version;
  assert.ok(![started, withDelta].includes(brokenVersion));
  await underLoad();
  assert.equal((await health()).registry_version, withDelta, 'still the last good registry after more changes had time to land');

  await writeFile(team, `agents:\n${DELTA}`);
  const fixed = await until('recovered', (report) => report.reload.state === 'ok');
  assert.equal(fixed.agents, 2);
  assert.deepEqual(fixed.reload.errors, []);
  const withoutGamma = fixed.registry_version;
  assert.ok(![started, withDelta, brokenVersion].includes(withoutGamma));
  await underLoad();

  loading = false;
  await Promise.all(workers);
  assert.deepEqual(failures, [], 'no request failed');

  const order = [started, withDelta, withoutGamma];
  const has = { gamma: [started, withDelta], delta: [withDelta, withoutGamma], alpha: order };
  for (const version of order) assert.ok(answers.some((answer) => answer.version === version), `some answers came from ${version}`);
  for (const answer of answers) {
    assert.ok(order.includes(answer.version), `answered from ${answer.version}, never a broken or unknown version`);
    assert.equal(answer.selected === answer.probe.agent, has[answer.probe.agent].includes(answer.version), JSON.stringify(answer));
  }
  // Each worker asks one request at a time: once it saw a registry, it never sees an older one.
  for (const worker of [0, 1, 2, 3]) {
    const seen = answers.filter((answer) => answer.worker === worker).map((answer) => order.indexOf(answer.version));
    assert.deepEqual(seen, [...seen].sort((a, b) => a - b), `worker ${worker} went back to an older registry`);
  }

  const metrics = await (await fetch(new URL('/metrics', running.url))).text();
  assert.ok(sample(metrics, 'switchboard_registry_reloads_total', { result: 'ok' }) >= 2);
  assert.ok(sample(metrics, 'switchboard_registry_reloads_total', { result: 'rejected' }) >= 1);
});
