import { SwitchboardError } from '../../errors.ts';
import { evaluate } from '../../eval/evaluate.ts';
import { learnFrom } from '../../eval/learn.ts';
import { readLabelledSet, unknownExpectedAgents } from '../../eval/labelled-set.ts';
import { openRouter } from '../../open-router.ts';
import { percent, printIssue, table } from '../format.ts';
import { parseCommand, parseNumber, REGISTRY_OPTION, registryPaths } from '../options.ts';

export async function runEval(args: string[]): Promise<number> {
  const { values } = parseCommand(args, {
    ...REGISTRY_OPTION,
    set: { type: 'string' },
    'learn-from': { type: 'string' },
    'learn-per-agent': { type: 'string' },
    strategy: { type: 'string', short: 's' },
    json: { type: 'boolean' },
    model: { type: 'string' },
  });
  if (values.set === undefined) throw new SwitchboardError('USAGE', 'eval needs --set FILE (JSONL or the golden corpus)');
  const rows = await readLabelledSet(values.set);
  const { router } = await openRouter(registryPaths(values.registry), {
    cache: false,
    defaultStrategy: values.strategy,
    model: values.model,
    onIssue: (issue) => issue.severity === 'error' && printIssue(issue),
    onNotice: (message) => process.stderr.write(`switchboard: ${message}\n`),
  });
  const unknown = unknownExpectedAgents(rows, router.registry);
  if (unknown.length > 0) {
    const named = unknown.slice(0, 5).map(({ name, aliasOf }) => (aliasOf ? `'${name}' (an alias of '${aliasOf}')` : `'${name}'`));
    process.stderr.write(
      `switchboard: ${unknown.length} agent name${unknown.length === 1 ? '' : 's'} the set expects ${unknown.length === 1 ? 'is' : 'are'} not in the registry: ` +
        `${named.join(', ')}${unknown.length > 5 ? ', …' : ''}; rows expecting only ${unknown.length === 1 ? 'it' : 'them'} cannot be right. Is this the registry the set was written for?\n`,
    );
  }
  if (values['learn-from'] !== undefined) {
    const perAgent = parseNumber(values['learn-per-agent'], '--learn-per-agent') ?? Infinity;
    const learned = await learnFrom(router, await readLabelledSet(values['learn-from']), perAgent);
    process.stderr.write(`switchboard: learned ${learned} requests from ${values['learn-from']}\n`);
  }
  const { report, confusion } = await evaluate(router, rows);
  if (values.json) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return 0;
  }
  const lines = [
    `${report.n} requests · strategy ${router.defaultStrategy}`,
    `top-1 ${percent(report.top1)} · top-3 ${percent(report.top3)} · no-match precision ${percent(report.no_match.precision)} recall ${percent(report.no_match.recall)}`,
    '',
    table(['kind', 'top-1'], Object.entries(report.by_kind).map(([kind, rate]) => [kind, percent(rate)])),
  ];
  const confusions = [...confusion]
    .flatMap(([expected, byGot]) => [...byGot].map(([got, count]) => [expected, got, String(count)]))
    .sort((a, b) => Number(b[2]) - Number(a[2]) || a[0].localeCompare(b[0]))
    .slice(0, 15);
  if (confusions.length > 0) lines.push('', 'most frequent confusions:', table(['expected', 'got', 'n'], confusions));
  if (report.misses.length > 0) {
    lines.push('', `misses (first ${report.misses.length}):`);
    for (const miss of report.misses) {
      lines.push(`  ${miss.id} [${miss.kind}] expected ${miss.expected.join('|') || '(no match)'}, got ${miss.got ?? '(no match)'} ${miss.confidence.toFixed(2)}: ${miss.request.slice(0, 100)}`);
    }
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
