import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { benchTable, machineLine, writeSection } from '../../src/bench/report.ts';
import type { RegistryBench } from '../../src/bench/routing-bench.ts';
import { tempDir } from '../registry/helpers.ts';

const RESULT: RegistryBench = {
  name: 'omniclaude (ONEX)',
  strategy: 'lexical',
  agents: 52,
  load_ms: 308.3,
  miss_p50_us: 70,
  miss_p99_us: 316.4,
  hit_p50_us: 3.72,
  decisions_per_s: 17719,
};

test('benchTable is a markdown table with one row per registry, every measure in order', () => {
  const lines = benchTable([RESULT, { ...RESULT, name: 'synthetic 1000', agents: 1000 }]).split('\n');
  assert.equal(lines.length, 4);
  assert.equal(lines[0], '| registry | strategy | agents | load ms | miss p50 µs | miss p99 µs | hit p50 µs | decisions/s (1 core) |');
  assert.match(lines[1], /^\|---\|---\|(---:\|){6}$/);
  assert.equal(lines[2], '| omniclaude (ONEX) | lexical | 52 | 308.3 | 70 | 316.4 | 3.72 | 17719 |');
  assert.match(lines[3], /^\| synthetic 1000 \| lexical \| 1000 \|/);
});

test('machineLine names the CPU, memory, Node version and platform', () => {
  assert.match(machineLine(), new RegExp(`^.+ × \\d+, \\d+ GiB, Node ${process.versions.node}, ${process.platform}$`));
});

test('writeSection creates the document when it is missing', async (t) => {
  const file = path.join(await tempDir(t), 'benchmarks.md');
  await writeSection(file, 'routing-lexical', 'first run\n');
  assert.equal(await readFile(file, 'utf8'), '# Benchmarks\n\n<!-- bench:routing-lexical -->\nfirst run\n<!-- /bench:routing-lexical -->\n');
});

test('writeSection replaces only its own section and keeps hand-written text around it', async (t) => {
  const file = path.join(await tempDir(t), 'benchmarks.md');
  await writeFile(file, '# Benchmarks\n\nIntro by hand.\n');
  await writeSection(file, 'routing-lexical', 'lexical v1');
  await writeSection(file, 'routing-enhanced_fuzzy_matching', 'fuzzy v1');
  await writeFile(file, `${await readFile(file, 'utf8')}\nClosing notes by hand.\n`);
  await writeSection(file, 'routing-lexical', 'lexical v2');
  const text = await readFile(file, 'utf8');
  assert.equal(
    text,
    '# Benchmarks\n\nIntro by hand.\n\n' +
      '<!-- bench:routing-lexical -->\nlexical v2\n<!-- /bench:routing-lexical -->\n\n' +
      '<!-- bench:routing-enhanced_fuzzy_matching -->\nfuzzy v1\n<!-- /bench:routing-enhanced_fuzzy_matching -->\n' +
      '\nClosing notes by hand.\n',
  );
});
