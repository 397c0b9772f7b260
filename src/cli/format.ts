import type { RegistryIssue } from '../registry/agent.ts';
import { formatIssue } from '../registry/load.ts';

/** Left-aligned text table; the last column is left unpadded. */
export function table(header: string[], rows: string[][]): string {
  const all = [header, ...rows];
  const widths = header.map((_, column) => Math.max(...all.map((row) => (row[column] ?? '').length)));
  return all
    .map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]))).join('  '))
    .join('\n');
}

/** Registry problems go to stderr, one `file:line: message` row each. */
export function printIssue(issue: RegistryIssue): void {
  process.stderr.write(`${issue.severity === 'error' ? 'error' : 'warning'}: ${formatIssue(issue)}\n`);
}

export function percent(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
}
