import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readLabelledSet } from '../../eval/labelled-set.ts';
import { benchRegistry, type RegistryBench } from '../../bench/routing-bench.ts';
import { benchTable, machineLine, writeSection } from '../../bench/report.ts';
import { syntheticRequests, writeSyntheticRegistry } from '../../bench/synthetic-registry.ts';
import { loadRegistry } from '../../registry/load.ts';
import { words } from '../../routing/text/tokens.ts';
import { parseCommand, parseNumber, REGISTRY_OPTION } from '../options.ts';
import { kafkaBrokers } from '../../client/kafka.ts';
import { SwitchboardError } from '../../errors.ts';
import type { Encoder } from '../../embedding/encoder-types.ts';
import { embeddingServices } from '../../embedding/services.ts';
import { Router } from '../../routing/router.ts';
import { BUILTIN_STRATEGIES } from '../../routing/strategies/index.ts';
import type { StrategyServices } from '../../routing/strategy.ts';

const ROOT = resolve(import.meta.dirname, '../../..');

/** The bundled real registries, each with requests of its own kind. */
const REAL_REGISTRIES = [
  { name: 'omniclaude (ONEX)', path: 'fixtures/omniclaude-agents', requests: 'eval/registry-o.dev.jsonl' },
  { name: 'voltagent (Claude Code)', path: 'fixtures/claude-agents/voltagent', requests: 'eval/registry-v.dev.jsonl' },
  { name: 'wshobson (Claude Code)', path: 'fixtures/claude-agents/wshobson', requests: 'eval/registry-v.dev.jsonl' },
  { name: 'clinc150 (native, 15k examples)', path: 'eval/clinc150/registry.yaml', requests: 'eval/clinc150/val.jsonl' },
];

async function vocabularyOf(paths: string[]): Promise<string[]> {
  const registry = await loadRegistry(paths);
  const seen = new Set<string>();
  for (const agent of registry.agents) {
    for (const text of [agent.description, ...agent.triggers, ...agent.capabilities]) {
      for (const word of words(text.replaceAll('_', ' '))) if (word.length > 2) seen.add(word);
    }
  }
  return [...seen].sort();
}

async function loadEmbedding(model: string | undefined): Promise<{ encoder: Encoder; services: StrategyServices; loadMs: number }> {
  const started = performance.now();
  const { loadEncoder } = await import('../../embedding/encoder.ts');
  const encoder = await loadEncoder(model);
  return { encoder, services: embeddingServices(encoder), loadMs: performance.now() - started };
}

/** Builds the router once, so the registry's agent vectors are in the disk cache before timing. */
async function warmVectors(paths: string[], strategy: string, services: StrategyServices): Promise<void> {
  await Router.create(await loadRegistry(paths), { ...services, defaultStrategy: strategy });
}

/** `bench e2e`: round trips to a `serve` process, through a real Kafka broker or over HTTP. */
async function runBenchE2e(args: string[]): Promise<number> {
  const { values } = parseCommand(args, {
    ...REGISTRY_OPTION,
    kafka: { type: 'string' },
    http: { type: 'boolean' },
    db: { type: 'string' },
    'no-history': { type: 'boolean' },
    'shadow-strategy': { type: 'string' },
    'shadow-share': { type: 'string' },
    rate: { type: 'string' },
    duration: { type: 'string' },
    strategy: { type: 'string', short: 's' },
    json: { type: 'boolean' },
    'no-write': { type: 'boolean' },
  });
  const transport = values.http ? 'http' : 'kafka';
  const brokers = transport === 'kafka' ? kafkaBrokers(values.kafka) : undefined;
  if (transport === 'kafka' && brokers === undefined) {
    throw new SwitchboardError('USAGE', 'bench e2e needs --kafka BROKERS (or KAFKA_BROKERS; start one with npm run kafka:start), or --http');
  }
  // The service's history and shadow settings, passed on as its flags and named in the results.
  const serveArgs: string[] = [];
  if (values['no-history']) serveArgs.push('--no-history');
  if (values.db) serveArgs.push('--db', values.db);
  if (values['shadow-strategy']) serveArgs.push('--shadow-strategy', values['shadow-strategy']);
  if (values['shadow-share']) serveArgs.push('--shadow-share', values['shadow-share']);
  const history = values['no-history'] ? 'history off' : `history ${values.db ? (values.db.startsWith('postgres') ? 'PostgreSQL' : 'SQLite file') : 'embedded SQLite'}`;
  const setting = [history, ...(values['shadow-strategy'] ? [`shadow ${values['shadow-strategy']} ${values['shadow-share'] ?? 1}`] : [])].join(', ');
  const rate = parseNumber(values.rate, '--rate') ?? 200;
  const durationS = parseNumber(values.duration, '--duration') ?? 10;
  const strategy = values.strategy ?? 'lexical';
  const registry = values.registry ?? [join(ROOT, 'fixtures/omniclaude-agents')];
  const requests = (await readLabelledSet(join(ROOT, 'eval/registry-o.dev.jsonl'))).map((row) => row.request);
  const { benchE2e, e2eTable } = await import('../../bench/e2e-bench.ts');
  const report = await benchE2e({ transport, brokers, serveArgs, registry, strategy, rate, durationS, requests });
  if (values.json) {
    const { runs, servicePeakRssMiB } = report;
    process.stdout.write(`${JSON.stringify({ transport, strategy, setting, runs, service_peak_rss_mib: servicePeakRssMiB ?? null })}\n`);
  } else process.stdout.write(`${e2eTable(report)}\n`);
  if (!values['no-write']) {
    const command = ['switchboard bench e2e', transport === 'http' ? '--http' : '--kafka …', `--strategy ${strategy}`, ...serveArgs.map((arg) => (arg.includes('://') ? 'URL' : arg)), `--rate ${rate} --duration ${durationS}`].join(' ');
    const path = transport === 'http' ? 'over HTTP (`POST /route`, keep-alive) to a `switchboard serve` process on the in-process bus' : 'over Kafka (a local single-node broker from scripts/kafka.sh) to a `switchboard serve` process';
    const body = `## \`${command}\`\n\nMachine: ${machineLine()}. Measured ${new Date().toISOString().slice(0, 10)}, ${setting}. A client process sends requests ${path} and waits for each reply; every request text is unique, so no decision comes from the cache. Everything shares the 2 cores.\n\n${e2eTable(report)}`;
    const key = `e2e-${transport}-${strategy}-${setting.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`;
    await writeSection(join(ROOT, 'docs/benchmarks.md'), key, body);
  }
  return 0;
}

/** `bench history`: decision writes per second into a store, and spool replay after an outage. */
async function runBenchHistory(args: string[]): Promise<number> {
  const { values } = parseCommand(args, {
    db: { type: 'string' },
    count: { type: 'string' },
    json: { type: 'boolean' },
    'no-write': { type: 'boolean' },
  });
  const count = parseNumber(values.count, '--count') ?? 50_000;
  if (!Number.isInteger(count) || count < 1) throw new SwitchboardError('USAGE', `--count expects a positive integer, got '${values.count}'`);
  const { benchHistory, historyTable } = await import('../../bench/history-bench.ts');
  const { openStore, storeLocation } = await import('../../store/open-store.ts');
  // Without --db, a SQLite file of the run's own: the benchmark never fills the real embedded store.
  const scratch = await mkdtemp(join(tmpdir(), 'switchboard-bench-history-'));
  try {
    const store = await openStore(storeLocation(values.db ?? join(scratch, 'decisions.db'), {}));
    try {
      await store.migrate();
      const result = await benchHistory(store, join(scratch, 'spool.jsonl'), count);
      if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
      else process.stdout.write(`${historyTable([result])}\n`);
      if (!values['no-write']) {
        const body = `## \`switchboard bench history${values.db ? ' --db URL' : ''} --count ${count}\`\n\nMachine: ${machineLine()}. Measured ${new Date().toISOString().slice(0, 10)} against ${store.backend === 'postgres' ? 'the local PostgreSQL server (127.0.0.1:5432)' : 'a SQLite file (node:sqlite, WAL)'}. Decisions are recorded as fast as a caller can and written by the background writer in batches of 500 (multi-row inserts, idempotent on decision_id); then as many again are recorded during a simulated outage (spooled to disk, fsync per batch) and replayed in order when it ends.\n\n${historyTable([result])}`;
        await writeSection(join(ROOT, 'docs/benchmarks.md'), `history-${store.backend}`, body);
      }
    } finally {
      await store.close();
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  return 0;
}

export async function runBench(args: string[]): Promise<number> {
  if (args[0] === 'e2e') return runBenchE2e(args.slice(1));
  if (args[0] === 'history') return runBenchHistory(args.slice(1));
  const { values } = parseCommand(args, {
    ...REGISTRY_OPTION,
    strategy: { type: 'string', short: 's' },
    json: { type: 'boolean' },
    'no-write': { type: 'boolean' },
    model: { type: 'string' },
    synthetic: { type: 'boolean' },
  });
  const strategy = values.strategy ?? 'lexical';
  const log = (line: string) => values.json || process.stderr.write(`${line}\n`);
  const results: RegistryBench[] = [];
  const embedding = BUILTIN_STRATEGIES.get(strategy)?.usesEmbeddings ? await loadEmbedding(values.model) : undefined;
  const services = embedding?.services ?? {};
  // Embedding strategies: fewer samples (milliseconds each), and vectors embedded before the
  // timed load so that load_ms measures what a restart costs: vectors read from the cache.
  const samples = embedding ? 500 : 3000;
  const bench = async (name: string, paths: string[], requests: readonly string[], minSamples = samples) => {
    if (embedding) await warmVectors(paths, strategy, services);
    return benchRegistry(name, paths, requests, strategy, services, minSamples);
  };
  const vocabulary = await vocabularyOf(
    values.registry ?? [join(ROOT, 'fixtures/omniclaude-agents'), join(ROOT, 'fixtures/claude-agents/voltagent')],
  );

  if (values.registry !== undefined) {
    log(`bench ${values.registry.join(', ')} …`);
    results.push(await bench(values.registry.join(', '), values.registry, syntheticRequests(500, vocabulary)));
  } else {
    for (const real of REAL_REGISTRIES) {
      log(`bench ${real.name} …`);
      const requests = (await readLabelledSet(join(ROOT, real.requests))).map((row) => row.request);
      results.push(await bench(real.name, [join(ROOT, real.path)], requests));
    }
  }
  const folder = await mkdtemp(join(tmpdir(), 'switchboard-bench-'));
  try {
    // Synthetic registries measure scale; with an embedding strategy only when asked: the first
    // run embeds ~100,000 synthetic texts (minutes; cached after).
    for (const count of embedding && !values.synthetic ? [] : [1_000, 10_000]) {
      log(`bench synthetic ${count} …`);
      const file = join(folder, `synthetic-${count}.yaml`);
      await writeSyntheticRegistry(file, count, vocabulary);
      results.push(await bench(`synthetic ${count}`, [file], syntheticRequests(500, vocabulary), 1000));
    }
  } finally {
    await rm(folder, { recursive: true, force: true });
    await embedding?.encoder.close();
  }

  if (values.json) process.stdout.write(`${JSON.stringify({ registries: results })}\n`);
  else process.stdout.write(`${benchTable(results)}\n`);
  if (!values['no-write']) {
    const model = embedding
      ? ` Model ${embedding.encoder.model}, loaded in ${embedding.loadMs.toFixed(0)} ms; load_ms includes reading the agents' vectors from the disk cache; RSS after the run ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB.`
      : '';
    const body = `## \`switchboard bench --strategy ${strategy}\`\n\nMachine: ${machineLine()}. Measured ${new Date().toISOString().slice(0, 10)}; load = files to a ready router; miss = cache off; hit = cached decision.${model}\n\n${benchTable(results)}`;
    await writeSection(join(ROOT, 'docs/benchmarks.md'), `routing-${strategy}`, body);
  }
  return 0;
}
