/**
 * The cold-start curve of issue 8: how much routing improves as successful outcomes are
 * recorded. For CLINC150 the registry is reduced to titles (its 15,000 examples withheld);
 * for the dev sets the registries are used as they are. Each set is split in two halves
 * (alternating rows); K rows per agent are learned from one half and
 * the other half is evaluated, for K = 0, 1, 2, 4, 8.
 *
 *   npm run learning-curve -- [--strategy hybrid] [--sets clinc,o,v] [--write]
 *
 * Prints a markdown table; --write puts it in docs/benchmarks.md.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { writeSection } from '../src/bench/report.ts';
import { DEFAULT_MODEL, loadEncoder } from '../src/embedding/encoder.ts';
import { embeddingServices } from '../src/embedding/services.ts';
import { evaluate } from '../src/eval/evaluate.ts';
import { learnFrom } from '../src/eval/learn.ts';
import { readLabelledSet, type LabelledRequest } from '../src/eval/labelled-set.ts';
import { loadRegistry } from '../src/registry/load.ts';
import { Router } from '../src/routing/router.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const KS = [0, 1, 2, 4, 8];
const { values } = parseArgs({
  options: { strategy: { type: 'string', default: 'hybrid' }, sets: { type: 'string', default: 'clinc,o,v' }, write: { type: 'boolean' } },
});

/** Alternate rows between two halves (the sets list each agent's rows together, so each agent is split too). */
function split(rows: readonly LabelledRequest[]): [LabelledRequest[], LabelledRequest[]] {
  return [rows.filter((_, i) => i % 2 === 0), rows.filter((_, i) => i % 2 === 1)];
}

const encoder = await loadEncoder(DEFAULT_MODEL);
const services = embeddingServices(encoder);
const folder = await mkdtemp(path.join(tmpdir(), 'switchboard-curve-'));
const titlesOnly = path.join(folder, 'clinc150-titles.yaml');
const clinc = await loadRegistry([path.join(ROOT, 'eval/clinc150/registry.yaml')]);
await writeFile(titlesOnly, stringify({ agents: clinc.agents.map(({ name, title, domain }) => ({ name, title, domain })) }));

const sets = [
  { id: 'clinc', name: 'CLINC150, titles only', registry: titlesOnly, set: 'eval/clinc150/val.jsonl' },
  { id: 'o', name: 'registry O (omniclaude)', registry: 'fixtures/omniclaude-agents', set: 'eval/registry-o.dev.jsonl' },
  { id: 'v', name: 'registry V (voltagent)', registry: 'fixtures/claude-agents/voltagent', set: 'eval/registry-v.dev.jsonl' },
].filter((entry) => values.sets.split(',').includes(entry.id));
const lines = [
  `| set | K per agent | learned | top-1 (held-out half) | in-scope top-1 | no-match recall |`,
  '|---|---:|---:|---:|---:|---:|',
];
try {
  for (const entry of sets) {
    const registry = await loadRegistry([path.resolve(ROOT, entry.registry)]);
    const [teach, test] = split(await readLabelledSet(path.join(ROOT, entry.set)));
    for (const k of KS) {
      const router = await Router.create(registry, { ...services, defaultStrategy: values.strategy, cache: false });
      const learned = k === 0 ? 0 : await learnFrom(router, teach, k);
      const { report } = await evaluate(router, test);
      const inScope = test.filter((row) => row.expected.length > 0 && row.kind !== 'explicit');
      const inScopeTop1 = inScope.length === 0 ? 0 : (await evaluate(router, inScope)).report.top1;
      lines.push(
        `| ${entry.name} | ${k} | ${learned} | ${(report.top1 * 100).toFixed(1)} % | ${(inScopeTop1 * 100).toFixed(1)} % | ${(report.no_match.recall * 100).toFixed(1)} % |`,
      );
      process.stderr.write(`${lines.at(-1)}\n`);
    }
  }
} finally {
  await encoder.close();
  await rm(folder, { recursive: true, force: true });
}
const table = lines.join('\n');
process.stdout.write(`${table}\n`);
if (values.write) {
  await writeSection(
    path.join(ROOT, 'docs/benchmarks.md'),
    `learning-${values.strategy}`,
    `## Learning from outcomes (\`npm run learning-curve -- --strategy ${values.strategy}\`)\n\nModel ${DEFAULT_MODEL}. K labelled rows per agent from one half of each set are recorded as successful outcomes (\`Router.learn\`, the path recorded outcomes take); the other half is evaluated.\n\n${table}`,
  );
}
