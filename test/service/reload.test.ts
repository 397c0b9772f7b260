/**
 * Registry reloads: `POST /reload` (admin token, answers, /health and metrics), a registry
 * given as one file and saved the way editors do, and what a new router takes over from the
 * one it replaces. (Under load, with the watcher on a folder: hot-reload.test.ts.)
 */
import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_MODEL } from '../../src/embedding/encoder.ts';
import { loadRegistry } from '../../src/registry/load.ts';
import { skipUnlessFetched } from '../embedding/model-gate.ts';
import { historySnapshot } from '../../src/routing/history.ts';
import { buildHttpServer } from '../../src/service/http-server.ts';
import { RegistryReloader } from '../../src/service/registry-reloader.ts';
import { RoutingService } from '../../src/service/routing-service.ts';
import { sample, silent } from './helpers.ts';

const CORE = `agents:
  - name: alpha
    description: Deploys services to kubernetes clusters
    triggers: [kubernetes, deploy]
  - name: beta
    description: Writes database migrations
    triggers: [database migration, schema]
`;
const GAMMA = `agents:
  - name: gamma
    description: Writes poetry and verse
    triggers: [poem, poetry]
`;
const GAMMA_AND_DELTA = `${GAMMA}  - name: delta
    description: Calibrates telescopes
    triggers: [telescope]
`;
/** An unclosed flow sequence. */
const BROKEN = `agents:
  - name: gamma
    description: Writes poetry and verse
    triggers: [poem, poetry
`;

/** A registry folder of two files, core.yaml (alpha, beta) and team.yaml (gamma), removed after the test. */
async function registryDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-reload-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(path.join(dir, 'core.yaml'), CORE);
  await writeFile(path.join(dir, 'team.yaml'), GAMMA);
  return dir;
}

async function openService(dir: string): Promise<RoutingService> {
  return RoutingService.open([dir], { logger: silent, strategy: 'lexical' });
}

describe('POST /reload', () => {
  async function server(t: TestContext, adminToken?: string) {
    const dir = await registryDir(t);
    const service = await openService(dir);
    const reloader = new RegistryReloader([dir], service, silent);
    service.metrics.observeReloads(reloader);
    const app = buildHttpServer(service, { logger: silent, busStatus: () => null, reloader, adminToken });
    t.after(() => app.close());
    const reload = (token?: string) => app.inject({ method: 'POST', url: '/reload', headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
    return { dir, service, app, reload };
  }

  test('is off (403, saying how to turn it on) when the service has no admin token', async (t) => {
    const { reload } = await server(t);
    const response = await reload('anything');
    assert.equal(response.statusCode, 403);
    assert.match(response.json().error_message, /--admin-token or SWITCHBOARD_ADMIN_TOKEN/);
  });

  test('refuses a missing or wrong bearer token with 401', async (t) => {
    const { app, reload } = await server(t, 'sesame');
    for (const response of [
      await reload(),
      await reload('open'),
      await app.inject({ method: 'POST', url: '/reload', headers: { authorization: 'sesame' } }),
    ]) {
      assert.equal(response.statusCode, 401);
      assert.equal(response.headers['www-authenticate'], 'Bearer');
      assert.match(response.json().error_message, /admin token/);
    }
  });

  test('answers 200 with the new version, 422 with file:line errors while a file is broken, and shows both on /health and /metrics', async (t) => {
    const { dir, service, app, reload } = await server(t, 'sesame');
    const started = service.registryVersion;
    const unchanged = await reload('sesame');
    assert.equal(unchanged.statusCode, 200);
    assert.deepEqual(unchanged.json(), { result: 'unchanged', registry_version: started, agents: 3 });

    await writeFile(path.join(dir, 'team.yaml'), GAMMA_AND_DELTA);
    const added = await reload('sesame');
    assert.equal(added.statusCode, 200);
    const { registry_version: withDelta } = added.json();
    assert.notEqual(withDelta, started);
    assert.deepEqual(added.json(), { result: 'ok', registry_version: withDelta, agents: 4 });
    const routed = await app.inject({ method: 'POST', url: '/route', payload: { user_request: '@delta calibrate the telescope' } });
    assert.equal(routed.json().selected_agent, 'delta');
    assert.equal(routed.json().routing_metadata.registry_version, withDelta);

    await writeFile(path.join(dir, 'team.yaml'), BROKEN);
    const broken = await reload('sesame');
    assert.equal(broken.statusCode, 422);
    const refusal = broken.json();
    assert.equal(refusal.error_code, 'REGISTRY_LOAD_FAILED');
    assert.equal(refusal.result, 'rejected');
    assert.equal(refusal.registry_version, withDelta, 'still serving the last good version');
    assert.equal(refusal.errors.length, 1);
    assert.ok(refusal.errors[0].startsWith(`${path.join(dir, 'team.yaml')}:`), refusal.errors[0]);
    assert.match(refusal.errors[0], /\.yaml:\d+: YAML syntax error/);
    assert.match(refusal.error_message, new RegExp(`rejected \\(1 error\\): still serving ${withDelta}`));
    const health = (await app.inject({ method: 'GET', url: '/health' })).json();
    assert.equal(health.status, 'ok', 'a broken file does not take the instance out of service');
    assert.equal(health.registry_version, withDelta);
    assert.equal(health.reload.state, 'rejected');
    assert.deepEqual(health.reload.errors, refusal.errors);
    assert.ok(Date.parse(health.reload.last_error_at) >= Date.parse(health.reload.last_success_at));

    await writeFile(path.join(dir, 'team.yaml'), 'agents: []\n');
    await writeFile(path.join(dir, 'core.yaml'), 'agents: []\n');
    const empty = await reload('sesame');
    assert.equal(empty.statusCode, 422);
    assert.deepEqual(empty.json().errors, [`no agents in ${dir}`]);

    await writeFile(path.join(dir, 'core.yaml'), CORE);
    await writeFile(path.join(dir, 'team.yaml'), GAMMA_AND_DELTA);
    const fixed = await reload('sesame');
    assert.equal(fixed.statusCode, 200);
    assert.deepEqual(fixed.json(), { result: 'unchanged', registry_version: withDelta, agents: 4 });
    const recovered = (await app.inject({ method: 'GET', url: '/health' })).json();
    assert.equal(recovered.reload.state, 'ok');
    assert.deepEqual(recovered.reload.errors, []);
    assert.ok(Date.parse(recovered.reload.last_success_at) >= Date.parse(recovered.reload.last_error_at));

    const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    assert.equal(sample(metrics, 'switchboard_registry_reloads_total', { result: 'ok' }), 1);
    assert.equal(sample(metrics, 'switchboard_registry_reloads_total', { result: 'unchanged' }), 2);
    assert.equal(sample(metrics, 'switchboard_registry_reloads_total', { result: 'rejected' }), 2);
    assert.equal(sample(metrics, 'switchboard_registry_last_reload_success_timestamp_seconds'), Date.parse(recovered.reload.last_success_at) / 1000);
    assert.equal(sample(metrics, 'switchboard_registry_info', { registry_version: withDelta }), 1);
  });
});

/** A lexical service on `paths` and a reloader for it, closed after the test. */
async function reloaderOn(t: TestContext, paths: string[]): Promise<{ service: RoutingService; reloader: RegistryReloader }> {
  const service = await RoutingService.open(paths, { logger: silent, strategy: 'lexical' });
  const reloader = new RegistryReloader(paths, service, silent);
  t.after(() => reloader.close());
  return { service, reloader };
}

describe('RegistryReloader.watch', () => {
  test('sees a registry given as one file change when an editor saves it by renaming a new file over it', async (t) => {
    const dir = await registryDir(t);
    const file = path.join(dir, 'team.yaml');
    const { service, reloader } = await reloaderOn(t, [file]);
    reloader.watch();
    const started = service.registryVersion;
    await writeFile(`${file}.tmp`, GAMMA_AND_DELTA);
    await rename(`${file}.tmp`, file);
    const deadline = Date.now() + 10_000;
    while (service.registryVersion === started) {
      assert.ok(Date.now() < deadline, 'no reload within 10 s');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    assert.deepEqual(service.registry.agents.map((agent) => agent.name), ['gamma', 'delta']);
    assert.deepEqual(reloader.reloadCounts(), { ok: 1, unchanged: 0, rejected: 0 }, 'the burst of events made one load');
  });

  test('two registry files of one folder, given apart, are both watched', async (t) => {
    const dir = await registryDir(t);
    const { service, reloader } = await reloaderOn(t, [path.join(dir, 'team.yaml'), path.join(dir, 'core.yaml')]);
    reloader.watch();
    const started = service.registryVersion;
    await writeFile(path.join(dir, 'team.yaml'), GAMMA_AND_DELTA);
    const deadline = Date.now() + 10_000;
    while (service.registryVersion === started) {
      assert.ok(Date.now() < deadline, 'a change to the first file given made no reload within 10 s');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    assert.ok(service.registry.byName.has('delta'));
  });

  test('in a registry folder, sees a file after an editor replaced it by renaming, and a folder added later', async (t) => {
    const dir = await registryDir(t);
    const file = path.join(dir, 'team.yaml');
    const { service, reloader } = await reloaderOn(t, [dir]);
    reloader.watch();
    const agents = () => service.registry.agents.map((agent) => agent.name).sort();
    const until = async (names: string[], what: string) => {
      const deadline = Date.now() + 10_000;
      while (agents().join() !== names.join()) {
        assert.ok(Date.now() < deadline, `${what}: no reload within 10 s (agents: ${agents().join(', ')})`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    };
    await writeFile(`${file}.tmp`, GAMMA_AND_DELTA);
    await rename(`${file}.tmp`, file);
    await until(['alpha', 'beta', 'delta', 'gamma'], 'a save by rename');
    await writeFile(file, GAMMA);
    await until(['alpha', 'beta', 'gamma'], 'then an edit in place of the renamed file');
    await mkdir(path.join(dir, 'more'));
    await new Promise((resolve) => setTimeout(resolve, 400));
    await writeFile(path.join(dir, 'more', 'extra.yaml'), GAMMA_AND_DELTA.replace('gamma', 'epsilon').replace('name: delta', 'name: zeta'));
    await until(['alpha', 'beta', 'epsilon', 'gamma', 'zeta'], 'a file in a folder made after the start');
  });
});

describe('RegistryReloader.status', () => {
  test("lists the serving registry's warnings: a file that redefines an agent is named with the definition that serves", async (t) => {
    const dir = await registryDir(t);
    const { reloader } = await reloaderOn(t, [dir]);
    assert.deepEqual([reloader.status().warnings, reloader.status().warning_count], [[], 0]);
    await writeFile(path.join(dir, 'another-team.yaml'), GAMMA.replace('Writes poetry and verse', 'Writes limericks'));
    assert.equal((await reloader.reload()).result, 'ok');
    const { warnings, warning_count } = reloader.status();
    assert.equal(warning_count, 1);
    assert.match(warnings[0], /\/team\.yaml:\d+: .*duplicate agent name 'gamma': ignored here, kept the definition at .*\/another-team\.yaml:\d+/);
  });
});

describe('RoutingService.replaceRegistry', () => {
  test('the new router keeps the historical scores and the learned examples of the agents it still has, and the cache counts go on', async (t) => {
    const dir = await registryDir(t);
    const service = await openService(dir);
    const learned = 'calibrate the telescope mirrors tonight';
    assert.equal((await service.router.route({ user_request: learned })).selected_agent, null);
    await service.router.learn(learned, 'gamma');
    await service.router.learn('rotate the production secrets', 'beta');
    service.router.setHistory(historySnapshot([{ agent: 'alpha', successes: 40, failures: 0 }]));
    const before = (await service.router.route({ user_request: 'deploy to kubernetes' })).recommendations[0];
    assert.equal(before.confidence.historical_score, 0.9);
    const { misses } = service.cacheStats();

    // beta goes, delta comes.
    await writeFile(path.join(dir, 'core.yaml'), CORE.split('  - name: beta')[0]);
    await writeFile(path.join(dir, 'team.yaml'), GAMMA_AND_DELTA);
    const previous = service.router;
    await service.replaceRegistry(await loadRegistry([dir]));
    assert.notEqual(service.router, previous);
    assert.deepEqual(service.registry.agents.map((agent) => agent.name), ['alpha', 'gamma', 'delta']);

    const served = await service.router.route({ user_request: learned });
    assert.equal(served.selected_agent, 'gamma');
    assert.match(served.recommendations[0].reason, /like example 'calibrate the telescope mirrors tonight'/);
    const after = (await service.router.route({ user_request: 'deploy to kubernetes' })).recommendations[0];
    assert.equal(after.agent_name, 'alpha');
    assert.equal(after.confidence.historical_score, 0.9);
    assert.equal(service.cacheStats().misses, misses + 2, 'counts of the replaced router are kept');
  });

  test('a lexical service keeps the model and the strategies its shadow or variants use across a reload', { skip: skipUnlessFetched(DEFAULT_MODEL) }, async (t) => {
    const dir = await registryDir(t);
    const service = await RoutingService.open([dir], { logger: silent, strategy: 'lexical', alsoServes: ['hybrid'] });
    t.after(() => service.close());
    const hybrid = { user_request: 'deploy to kubernetes', options: { routing_strategy: 'hybrid' } };
    const before = await service.router.route(hybrid);
    await writeFile(path.join(dir, 'team.yaml'), GAMMA_AND_DELTA);
    await service.replaceRegistry(await loadRegistry([dir]));
    const after = await service.router.route(hybrid);
    assert.equal(after.routing_metadata.routing_strategy, 'hybrid');
    assert.equal(after.selected_agent, before.selected_agent);
  });
});
