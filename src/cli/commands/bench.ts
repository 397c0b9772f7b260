import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readLabelledSet } from '../../eval/labelled-set.ts';
import { benchRegistry, type RegistryBench } from '../../bench/routing-bench.ts';
import { benchTable, machineLine, writeSection } from '../../bench/report.ts';
import { syntheticRequests, writeSyntheticRegistry } from '../../bench/synthetic-registry.ts';
import { loadRegistry } from '../../registry/load.ts';
import { words } from '../../routing/text/tokens.ts';
import { parseCommand, REGISTRY_OPTION } from '../options.ts';

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

export async function runBench(args: string[]): Promise<number> {
  const { values } = parseCommand(args, {
    ...REGISTRY_OPTION,
    strategy: { type: 'string', short: 's' },
    json: { type: 'boolean' },
    'no-write': { type: 'boolean' },
  });
  const strategy = values.strategy ?? 'lexical';
  const log = (line: string) => values.json || process.stderr.write(`${line}\n`);
  const results: RegistryBench[] = [];
  const vocabulary = await vocabularyOf(
    values.registry ?? [join(ROOT, 'fixtures/omniclaude-agents'), join(ROOT, 'fixtures/claude-agents/voltagent')],
  );

  if (values.registry !== undefined) {
    log(`bench ${values.registry.join(', ')} …`);
    results.push(await benchRegistry(values.registry.join(', '), values.registry, syntheticRequests(500, vocabulary), strategy));
  } else {
    for (const real of REAL_REGISTRIES) {
      log(`bench ${real.name} …`);
      const requests = (await readLabelledSet(join(ROOT, real.requests))).map((row) => row.request);
      results.push(await benchRegistry(real.name, [join(ROOT, real.path)], requests, strategy));
    }
  }
  const folder = await mkdtemp(join(tmpdir(), 'switchboard-bench-'));
  try {
    for (const count of [1_000, 10_000]) {
      log(`bench synthetic ${count} …`);
      const file = join(folder, `synthetic-${count}.yaml`);
      await writeSyntheticRegistry(file, count, vocabulary);
      results.push(await benchRegistry(`synthetic ${count}`, [file], syntheticRequests(500, vocabulary), strategy, {}, 1000));
    }
  } finally {
    await rm(folder, { recursive: true, force: true });
  }

  if (values.json) process.stdout.write(`${JSON.stringify({ registries: results })}\n`);
  else process.stdout.write(`${benchTable(results)}\n`);
  if (!values['no-write']) {
    const body = `## Routing core: \`switchboard bench --strategy ${strategy}\`\n\nMachine: ${machineLine()}. Measured ${new Date().toISOString().slice(0, 10)}; load = files to a ready router; miss = cache off; hit = cached decision.\n\n${benchTable(results)}`;
    await writeSection(join(ROOT, 'docs/benchmarks.md'), `routing-${strategy}`, body);
  }
  return 0;
}
