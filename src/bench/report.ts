import { cpus, totalmem } from 'node:os';
import { readFile, writeFile } from 'node:fs/promises';
import type { RegistryBench } from './routing-bench.ts';

export function machineLine(): string {
  const cpu = cpus();
  return `${cpu[0]?.model ?? 'unknown CPU'} × ${cpu.length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.versions.node}, ${process.platform}`;
}

export function benchTable(results: readonly RegistryBench[]): string {
  const header = '| registry | strategy | agents | load ms | miss p50 µs | miss p99 µs | hit p50 µs | decisions/s (1 core) |';
  const rule = '|---|---|---:|---:|---:|---:|---:|---:|';
  const rows = results.map(
    (r) => `| ${r.name} | ${r.strategy} | ${r.agents} | ${r.load_ms} | ${r.miss_p50_us} | ${r.miss_p99_us} | ${r.hit_p50_us} | ${r.decisions_per_s} |`,
  );
  return [header, rule, ...rows].join('\n');
}

/**
 * Replaces the section between `<!-- bench:NAME -->` markers in a markdown file (appending
 * it when absent), so hand-written parts of the document survive a re-run.
 */
export async function writeSection(file: string, name: string, body: string): Promise<void> {
  const start = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  let text = '';
  try {
    text = await readFile(file, 'utf8');
  } catch {
    text = '# Benchmarks\n';
  }
  const section = `${start}\n${body.trim()}\n${end}`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  text = from >= 0 && to > from ? text.slice(0, from) + section + text.slice(to + end.length) : `${text.trimEnd()}\n\n${section}\n`;
  await writeFile(file, text);
}
